"""search(user, q): every type, only what the user may read, ranked and grouped (SQLite and PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from search.query import MAX_QUERY_LENGTH
from search.selectors import search
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.search.conftest import TYPES, titles

pytestmark = pytest.mark.django_db

SECRET = "Nebula secret"


def test_a_word_finds_every_type_grouped(search_world, marketer):
    # when team A's marketer searches for a word every object holds
    groups = search(marketer, "nebula")
    # then each type is a group, and team A's objects are in it
    assert sorted(group.type for group in groups) == sorted(TYPES)
    assert titles(groups, "campaign") == [str(search_world["own"])]
    assert titles(groups, "activity") == ["Nebula launch rehearsal"]
    assert titles(groups, "task") == ["Nebula launch slides"]
    assert titles(groups, "material") == ["Nebula launch banner"]
    assert titles(groups, "funding_request") == ["FR-2099-0001"]
    assert titles(groups, "vendor") == ["Nebula Print", "Nebula Print"]
    assert titles(groups, "help_article") == ["Nebula reports explained"]
    assert titles(groups, "question") == ["Where is the nebula report?"]
    hit = groups[0].hits[0]
    assert hit.url.startswith("/") and hit.rank > 0


@pytest.mark.parametrize(
    ("role", "sees_secret"),
    [
        ("marketer", False),
        ("other_team_marketer", True),
        ("approver", False),
        ("finance_user", True),
        ("leadership_user", True),
        ("admin_user", True),
    ],
)
def test_a_confidential_campaign_and_its_parts_appear_only_to_its_readers(search_world, request, role, sees_secret):
    # given team B's confidential campaign whose name and parts match the word
    user = request.getfixturevalue(role)
    # when each role searches
    groups = search(user, "nebula secret")
    found = [(group.type, hit.title, hit.context) for group in groups for hit in group.hits]
    leaked = [item for item in found if "secret" in " ".join(item).casefold()]
    # then only those who may read the campaign see it or any of its parts
    if sees_secret:
        assert {item[0] for item in leaked} >= {"campaign", "activity", "task", "material", "funding_request", "vendor"}
    else:
        assert leaked == []
        assert all(not group.has_more for group in groups)


def test_a_funding_request_is_found_by_its_number_whole_or_in_part(search_world, finance_user):
    assert titles(search(finance_user, "FR-2099-0002"), "funding_request") == ["FR-2099-0002"]
    assert titles(search(finance_user, "0001"), "funding_request") == ["FR-2099-0001"]


def test_draft_articles_and_unanswered_questions_are_not_found_by_a_reader(search_world, marketer, admin_user):
    # a marketer reads published articles only; a question not answered yet is not searched
    assert titles(search(marketer, "nebula"), "help_article") == ["Nebula reports explained"]
    assert "Nebula draft article" in titles(search(admin_user, "nebula"), "help_article")
    assert not any("open question" in title for title in titles(search(admin_user, "nebula open question")))


def test_a_hit_in_the_name_ranks_above_a_hit_in_the_description(team, marketer):
    CampaignFactory(team=team, name="Autumn fair", description="We show the comet at the fair.")
    CampaignFactory(team=team, name="Comet launch")
    groups = search(marketer, "comet")
    names = [title.split(" · ")[-1] for title in titles(groups, "campaign")]
    assert names == ["Comet launch", "Autumn fair"]


def test_cyrillic_words_are_found_whatever_their_case(team, marketer):
    CampaignFactory(team=team, name="Весенний запуск")
    assert titles(search(marketer, "весенний"), "campaign")
    assert titles(search(marketer, "ЗАПУСК"), "campaign")


def test_types_and_paging_narrow_the_search(team, marketer):
    campaign = CampaignFactory(team=team, name="Orbit")
    for n in range(7):
        TaskFactory(campaign=campaign, title=f"Orbit task {n}")
    groups = search(marketer, "orbit", types=["task"], limit_per_type=5)
    assert [group.type for group in groups] == ["task"]
    assert len(groups[0].hits) == 5 and groups[0].has_more
    rest = search(marketer, "orbit", types=["task"], limit_per_type=5, offset=5)
    assert len(rest[0].hits) == 2 and not rest[0].has_more
    shown = {hit.id for hit in groups[0].hits} | {hit.id for hit in rest[0].hits}
    assert len(shown) == 7


@pytest.mark.parametrize("text", ["", "   ", "\x00", "x" * (MAX_QUERY_LENGTH + 1)])
def test_an_empty_or_too_long_search_is_refused(marketer, text):
    with pytest.raises(ValidationError):
        search(marketer, text)


def test_an_unknown_type_is_refused():
    from search.selectors import parse_types

    with pytest.raises(ValidationError):
        parse_types(["campaign", "secret"])
    assert parse_types(["campaign,task"]) == ["campaign", "task"]
    assert parse_types([]) is None


def test_anonymous_and_inactive_users_find_nothing(search_world, marketer):
    from django.contrib.auth.models import AnonymousUser

    assert search(AnonymousUser(), "nebula") == []
    marketer.is_active = False
    assert search(marketer, "nebula") == []


def test_each_type_costs_the_same_queries_for_one_hit_and_for_many(
    assert_constant_queries, search_world, team, marketer
):
    # given more matching rows of every type the marketer reads
    from tests.search.conftest import campaign_with_parts

    numbers = iter(range(100, 200))

    def more():
        n = next(numbers)
        campaign_with_parts(team=team, name=f"Nebula {n}", number=f"FR-2099-{n:04d}", vendor=f"Nebula {n} Print")

    # then the whole search (every type, five hits each) costs the same queries
    assert_constant_queries(lambda: search(marketer, "nebula"), more, rows=8)


@pytest.mark.postgres
def test_words_are_found_in_any_form_in_russian_and_english(team, marketer):
    # given a Russian campaign and an English one
    CampaignFactory(team=team, name="Новая кампания")
    CampaignFactory(team=team, name="Spring webinar")
    # then another form of the word finds each (stemming), in either language
    assert [t.split(" · ")[-1] for t in titles(search(marketer, "кампании"), "campaign")] == ["Новая кампания"]
    assert [t.split(" · ")[-1] for t in titles(search(marketer, "webinars"), "campaign")] == ["Spring webinar"]
    # and the web search syntax leaves words out
    assert titles(search(marketer, "webinar -spring"), "campaign") == []
