"""Change request pages: list with filters, the form with its affected-teams preview, the page and its buttons."""

import pytest
from django.urls import reverse

from changes.choices import AnswerStatus, ChangeStatus
from changes.models import ChangeRequest
from tests.changes.factories import category_used_by, make_change

pytestmark = pytest.mark.django_db


def test_the_list_shows_mine_and_my_teams_and_filters(client, marketer, open_change, team, champion):
    # given one request of mine and one of the champion's
    other = make_change(by=champion, team=team, what="Another change")
    client.force_login(marketer)
    page = client.get(reverse("changes:list")).content.decode()
    assert open_change.get_absolute_url() in page and other.get_absolute_url() in page
    mine = client.get(reverse("changes:list"), {"scope": "mine"}).content.decode()
    assert open_change.get_absolute_url() in mine and other.get_absolute_url() not in mine
    applied = client.get(reverse("changes:list"), {"status": "applied"}).content.decode()
    assert open_change.get_absolute_url() not in applied


def test_the_list_is_an_htmx_fragment_when_filtered(client, marketer, open_change):
    client.force_login(marketer)
    response = client.get(reverse("changes:list"), {"target_kind": "expense_category"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert open_change.get_absolute_url().encode() in response.content


def test_another_team_sees_neither_the_row_nor_the_page(client, other_team_marketer, open_change):
    client.force_login(other_team_marketer)
    assert open_change.get_absolute_url().encode() not in client.get(reverse("changes:list")).content
    assert client.get(open_change.get_absolute_url()).status_code == 404


def test_the_preview_names_the_affected_teams(client, marketer, team):
    category = category_used_by(team, owner=marketer)
    client.force_login(marketer)
    response = client.get(
        reverse("changes:preview"), {"target_kind": "expense_category", "expense_category": category.pk}
    )
    assert response.status_code == 200
    assert b"Brand" in response.content
    empty = client.get(reverse("changes:preview"), {"target_kind": "expense_category"})
    assert b"Choose what to change" in empty.content


def test_creating_from_the_form(client, marketer, team, champion):
    category = category_used_by(team, owner=marketer)
    client.force_login(marketer)
    assert client.get(reverse("changes:create")).status_code == 200
    response = client.post(
        reverse("changes:create"),
        {"target_kind": "expense_category", "expense_category": category.pk, "what": "Rename", "why": "New form"},
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    assert change.affected_teams.get().team == team


def test_the_form_shows_errors_without_why(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("changes:create"), {"target_kind": "field", "field_name": "campaign.tags"})
    assert response.status_code == 400
    assert ChangeRequest.objects.count() == 0


def test_the_page_draws_only_the_allowed_buttons(client, open_change, marketer, champion, admin_user):
    url = open_change.get_absolute_url()
    client.force_login(champion)
    page = client.get(url).content.decode()
    assert reverse("changes:acknowledge", args=[open_change.pk]) in page
    assert reverse("changes:apply", args=[open_change.pk]) not in page
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert reverse("changes:apply", args=[open_change.pk]) in page
    assert reverse("changes:acknowledge", args=[open_change.pk]) not in page
    assert "Django admin" in page  # applying records the decision; the change is made in the admin
    client.force_login(marketer)
    page = client.get(url).content.decode()
    assert reverse("changes:confirm", args=[open_change.pk]) in page
    assert reverse("changes:apply", args=[open_change.pk]) not in page


def test_acknowledge_then_apply_through_the_pages_and_the_history_shows_it(client, open_change, champion, admin_user):
    client.force_login(champion)
    response = client.post(reverse("changes:acknowledge", args=[open_change.pk]), {"note": "Fine for Brand"})
    assert response.status_code == 302
    client.force_login(admin_user)
    client.post(reverse("changes:apply", args=[open_change.pk]), {"note": "Renamed in the admin"})
    open_change.refresh_from_db()
    assert open_change.status == ChangeStatus.APPLIED
    page = client.get(open_change.get_absolute_url()).content.decode()
    assert "Fine for Brand" in page and "Renamed in the admin" in page
    assert "Brand: Acknowledged" in page


def test_a_refused_state_is_a_message_not_an_error(client, open_change, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("changes:apply", args=[open_change.pk]), {"note": "x"}, follow=True)
    assert response.status_code == 200
    assert "Not every affected team has acknowledged" in response.content.decode()
    response = client.post(
        reverse("changes:apply", args=[open_change.pk]), {"note": "Deadline", "override": "on"}, follow=True
    )
    open_change.refresh_from_db()
    assert open_change.overridden


def test_a_member_who_is_not_champion_gets_403(client, open_change, marketer):
    client.force_login(marketer)
    response = client.post(reverse("changes:object", args=[open_change.pk]), {"note": "No"})
    assert response.status_code == 403
    assert open_change.affected_teams.get().status == AnswerStatus.PENDING


def test_the_pages_speak_russian(client, open_change, champion):
    champion.language = "ru"
    champion.save(update_fields=["language"])
    client.force_login(champion)
    form = client.get(reverse("changes:create"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Запрос на изменение настроек" in form and "Кого это затронет" in form
    page = client.get(open_change.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Затронутые команды" in page and "Подтвердить" in page and "Ожидает" in page
    listing = client.get(reverse("changes:list"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Запросы на изменение" in listing
