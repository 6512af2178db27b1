"""/api/v1/users/ and /api/v1/teams/ (PRODUCT.md §8)."""

import pytest

from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_returns_roles_and_teams(api_as, marketer, team):
    response = api_as(marketer).get("/api/v1/users/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == marketer.id
    assert body["username"] == "marketer"
    assert body["full_name"] == marketer.full_name
    assert body["roles"] == ["marketer"]
    assert body["teams"] == [{"id": team.id, "name": "Brand"}]


def test_anonymous_gets_401_json(api_client):
    response = api_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"] == "Token"


def test_teams_list_is_paginated(api_as, marketer):
    TeamFactory.create_batch(3)
    response = api_as(marketer).get("/api/v1/teams/?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_teams_search_and_ordering(api_as, marketer):
    TeamFactory(name="Digital", slug="digital")
    names = [t["name"] for t in api_as(marketer).get("/api/v1/teams/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True)
    found = api_as(marketer).get("/api/v1/teams/?search=dig").json()["results"]
    assert [t["name"] for t in found] == ["Digital"]


def test_teams_are_read_only_in_the_api(api_as, admin_user):
    response = api_as(admin_user).post("/api/v1/teams/", {"name": "X", "slug": "x"}, format="json")
    assert response.status_code == 405


def test_unknown_team_is_a_json_404(api_as, marketer):
    response = api_as(marketer).get("/api/v1/teams/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Team matches the given query."}


def test_inactive_users_are_hidden_from_colleagues(api_as, marketer):
    UserFactory(username="gone", is_active=False)
    usernames = [u["username"] for u in api_as(marketer).get("/api/v1/users/?page_size=100").json()["results"]]
    assert "gone" not in usernames
    assert "marketer" in usernames


def test_user_list_query_count_does_not_grow_with_rows(api_as, marketer, django_assert_max_num_queries):
    client = api_as(marketer)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/users/")
    for index in range(30):
        UserFactory(roles=["marketer"], teams=[TeamFactory(name=f"T{index}", slug=f"t{index}")])
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/users/?page_size=50")
    assert response.json()["count"] == 31
