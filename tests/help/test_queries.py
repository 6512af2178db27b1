"""Question lists cost the same for 1 and 50 rows (docs/TESTING.md, "Query budgets")."""

import itertools

import pytest
from django.urls import reverse

from tests.help.factories import HelpArticleFactory, ask, published, team_member

pytestmark = pytest.mark.django_db

_counter = itertools.count()


def test_the_api_list_has_no_n_plus_1(assert_constant_queries, api_as, champion, team):
    client = api_as(champion)
    assert_constant_queries(
        lambda: client.get("/api/v1/questions/?page_size=100"),
        lambda: ask(team_member(team, f"asker{next(_counter)}")),
    )


def test_the_inbox_has_no_n_plus_1(assert_constant_queries, client, champion, team):
    client.force_login(champion)
    assert_constant_queries(
        lambda: client.get(reverse("help:inbox")), lambda: ask(team_member(team, f"asker{next(_counter)}")), rows=20
    )


def test_my_questions_has_no_n_plus_1(assert_constant_queries, client, asker, champion):
    client.force_login(asker)
    assert_constant_queries(lambda: client.get(reverse("help:questions")), lambda: ask(asker), rows=20)


def test_the_help_index_and_search_have_no_n_plus_1(assert_constant_queries, client, asker, champion):
    client.force_login(asker)

    def one_more():
        n = next(_counter)
        HelpArticleFactory(title=f"Budget guide {n}", slug=f"budget-{n}", ru=(f"Бюджет, шаг {n}", "Текст."))
        published(asker, champion, body=f"Budget question {n}?", answer="Budgets page.")

    assert_constant_queries(lambda: client.get(reverse("help:index")), one_more, rows=15)
    assert_constant_queries(lambda: client.get(reverse("help:index"), {"q": "budget"}), one_more, rows=15)


def test_the_champions_page_has_no_n_plus_1(assert_constant_queries, client, admin_user, asker, team):
    from tests.help.factories import answered, make_champion

    client.force_login(admin_user)

    def one_more():
        champion = make_champion(team_member(team, f"champ{next(_counter)}"), team)
        answered(asker, champion)

    assert_constant_queries(lambda: client.get(reverse("help:champions")), one_more, rows=10)
