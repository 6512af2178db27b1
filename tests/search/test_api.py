"""GET /api/v1/search/?q= (PRODUCT.md §8): grouped hits, per role, bad input a translated 400."""

import pytest

from search.query import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def hits(response, type_=None):
    return [hit for group in response.json()["groups"] if type_ in (None, group["type"]) for hit in group["results"]]


def test_the_answer_is_grouped_by_type_with_each_hits_fields(api_as, search_world, marketer):
    response = api_as(marketer).get(URL, {"q": "nebula"})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "nebula"
    group = body["groups"][0]
    assert set(group) == {"type", "label", "has_more", "results"}
    assert set(group["results"][0]) == {"id", "type", "kind", "title", "url", "context", "snippet", "rank"}
    assert {hit["kind"] for hit in hits(response, "vendor")} == {"commitment", "expense"}


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
def test_confidential_hits_only_for_their_readers(api_as, search_world, request, role, sees_secret):
    response = api_as(request.getfixturevalue(role)).get(URL, {"q": "secret"})
    assert response.status_code == 200
    secret = search_world["secret"]
    found = hits(response)
    if sees_secret:
        assert secret.pk in [hit["id"] for hit in hits(response, "campaign")]
        assert {hit["type"] for hit in found} >= {"campaign", "activity", "task", "material", "funding_request"}
    else:
        # nothing of it, not even an empty group or a count
        assert found == [] and response.json()["groups"] == []


def test_the_type_filter_and_limit(api_as, search_world, finance_user):
    response = api_as(finance_user).get(URL, {"q": "nebula", "type": "funding_request,vendor", "limit": 1})
    assert response.status_code == 200
    groups = response.json()["groups"]
    assert {group["type"] for group in groups} == {"funding_request", "vendor"}
    assert all(len(group["results"]) == 1 and group["has_more"] for group in groups)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "x" * (MAX_QUERY_LENGTH + 1)}, "q"),
        ({"q": "nebula", "type": "secrets"}, "type"),
        ({"q": "nebula", "limit": "0"}, "limit"),
        ({"q": "nebula", "limit": "99999999999999999999"}, "limit"),
        ({"q": "nebula", "offset": "-1"}, "offset"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, marketer, query, field):
    response = api_as(marketer).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_the_message_is_in_the_readers_language(api_as, marketer):
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    response = api_as(marketer).get(URL, {"q": ""})
    assert response.status_code == 400
    assert response.json()["q"] == ["Введите слово для поиска."]


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL, {"q": "nebula"}).status_code == 401


def test_the_search_is_in_the_openapi_schema(api_as, marketer):
    schema = api_as(marketer).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert names["q"]["required"] is True
    assert {"type", "limit", "offset"} <= set(names)


def test_query_count_is_constant(assert_constant_queries, api_as, team, marketer):
    from tests.campaigns.factories import CampaignFactory

    client = api_as(marketer)
    assert_constant_queries(
        lambda: client.get(URL, {"q": "galaxy", "limit": 50}), lambda: CampaignFactory(team=team, name="Galaxy")
    )
