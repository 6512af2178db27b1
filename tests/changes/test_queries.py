"""Query budgets: the change request list page and endpoint cost the same for 1 and 50 requests."""

import pytest

from changes import services
from changes.choices import AnswerStatus
from tests.changes.factories import make_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_change(marketer, team, champion):
    def make():
        change = make_change(by=marketer, team=team)
        services.change_request_answer(change_request=change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)

    return make


def test_the_list_endpoint_has_no_n_plus_1(assert_constant_queries, api_as, marketer, add_change):
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get("/api/v1/change-requests/?page_size=100"), add_change)


def test_the_list_page_has_no_n_plus_1(assert_constant_queries, client, marketer, add_change):
    client.force_login(marketer)
    assert_constant_queries(lambda: client.get("/changes/"), add_change, rows=24)
