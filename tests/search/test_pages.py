"""The search page (/search/?q=) and the search box in every page's top bar."""

import pytest
from django.urls import reverse

from tests.campaigns.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_the_search_box(client, marketer):
    client.force_login(marketer)
    content = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="top-search"' in content
    assert 'action="/search/"' in content and 'aria-keyshortcuts="/"' in content


def test_results_are_grouped_with_a_link_to_each_hit(client, search_world, marketer):
    client.force_login(marketer)
    response = client.get(reverse("search:results"), {"q": "nebula"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-type="campaign"' in content and 'data-type="vendor"' in content
    assert search_world["own"].get_absolute_url() in content
    assert "Nebula secret" not in content


def test_more_of_a_type_pages_through_it(client, search_world, team, marketer):
    campaign = search_world["own"]
    for n in range(25):
        TaskFactory(campaign=campaign, title=f"Nebula chore {n}")
    client.force_login(marketer)
    overview = client.get(reverse("search:results"), {"q": "chore"}).content.decode()
    assert 'data-testid="search-more"' in overview and "type=task" in overview
    first = client.get(reverse("search:results"), {"q": "chore", "type": "task"}).content.decode()
    second = client.get(reverse("search:results"), {"q": "chore", "type": "task", "page": 2}).content.decode()
    assert first.count('data-testid="search-hit"') == 20
    assert second.count('data-testid="search-hit"') == 5


def test_a_too_long_search_says_why(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("search:results"), {"q": "x" * 300})
    assert response.status_code == 400
    assert 'data-testid="search-error"' in response.content.decode()


def test_nothing_found_says_so_and_an_empty_page_is_the_form(client, marketer):
    client.force_login(marketer)
    assert 'data-testid="search-empty"' in client.get(reverse("search:results"), {"q": "zzzz"}).content.decode()
    assert client.get(reverse("search:results")).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("search:results"), {"q": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
