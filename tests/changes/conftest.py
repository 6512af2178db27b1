"""Fixtures of the change request tests, named by who they are and the state of the request."""

import pytest

from tests.changes.factories import make_champion, make_change
from tests.factories import UserFactory


@pytest.fixture
def champion(team):
    """Brand's champion: answers change requests for Brand."""
    return make_champion(UserFactory(username="brand-champion", roles=["marketer"], teams=[team]), team)


@pytest.fixture
def other_champion(other_team):
    return make_champion(UserFactory(username="events-champion", roles=["marketer"], teams=[other_team]), other_team)


@pytest.fixture
def open_change(marketer, team, champion):
    """An open change request by Brand's marketer on a category Brand uses: Brand's answer is pending."""
    return make_change(by=marketer, team=team)


@pytest.fixture
def acknowledged_change(open_change, champion):
    from changes import services
    from changes.choices import AnswerStatus

    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)
    open_change.refresh_from_db()
    return open_change
