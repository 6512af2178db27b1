"""Gate 4: query budgets of the lists that exist so far (docs/TESTING.md, "Query budgets").

Every app's list tests use the same ``assert_constant_queries`` fixture.
"""

import pytest

from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_users_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, team):
    # given a client of a marketer
    client = api_as(marketer)
    # when the list is read with 1 and with 50 colleagues who have roles and teams
    # then it costs the same number of queries
    assert_constant_queries(
        lambda: client.get("/api/v1/users/?page_size=100"),
        lambda: UserFactory(roles=["marketer"], teams=[team]),
    )


def test_teams_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer):
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get("/api/v1/teams/?page_size=100"), TeamFactory)
