"""Races on PostgreSQL with real threads: the row lock makes concurrent moves see each other."""

import pytest

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignTransition
from campaigns.services import campaign_create, campaign_transition
from mrm.exceptions import StateConflict
from tests.campaigns.factories import CampaignFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_people_launching_at_once_launch_it_once(team, marketer, sponsor):
    # given a planned campaign
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, status=CampaignStatus.PLANNED)
    # when two requests move it to active at the same moment
    results = run_together(
        [lambda: campaign_transition(campaign=campaign, to_status="active", note="", by=marketer) for _ in range(2)]
    )
    # then one wins, the other is told it is already active, and one move is on record
    assert sum(isinstance(r, Campaign) for r in results) == 1
    assert sum(isinstance(r, StateConflict) for r in results) == 1
    assert CampaignTransition.objects.filter(campaign=campaign).count() == 1


def test_concurrent_creates_get_distinct_generated_codes(team, marketer):
    import datetime as dt

    def create():
        return campaign_create(
            by=marketer,
            name="Same time",
            team=team,
            owner=marketer,
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 1, 31),
        )

    results = run_together([create, create, create])
    assert all(isinstance(r, Campaign) for r in results), results
    assert len({r.code for r in results}) == 3


def test_two_bulk_changes_naming_the_same_campaigns_in_opposite_orders_both_apply_without_deadlock(
    team, marketer, sponsor
):
    import datetime as dt

    from campaigns.bulk import campaigns_bulk

    start = dt.date(2027, 2, 1)
    campaigns = [
        CampaignFactory(team=team, owner=marketer, sponsor=sponsor, start_date=start, end_date=start) for _ in range(6)
    ]
    ids = [c.pk for c in campaigns]
    # when two people shift the same campaigns at once, one naming them backwards
    results = run_together(
        [
            lambda: campaigns_bulk(ids=ids, action="shift_dates", days=3, by=marketer),
            lambda: campaigns_bulk(ids=list(reversed(ids)), action="shift_dates", days=4, by=marketer),
        ]
    )
    # then both went through, each campaign moved by both (rows locked in id order: no deadlock)
    assert all(isinstance(r, tuple) for r in results), results
    assert all(o.ok for outcomes, _batch in results for o in outcomes)
    assert set(Campaign.objects.filter(pk__in=ids).values_list("start_date", flat=True)) == {
        start + dt.timedelta(days=7)
    }


def test_two_bulk_changes_of_the_same_tasks_in_opposite_orders_both_apply_without_deadlock(team, marketer, sponsor):
    import datetime as dt

    from campaigns.bulk import tasks_bulk
    from campaigns.models import Task
    from tests.campaigns.factories import TaskFactory

    due = dt.date(2027, 3, 1)
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor)
    tasks = [TaskFactory(campaign=campaign, due_date=due) for _ in range(6)]
    ids = [t.pk for t in tasks]
    # when two people shift the same tasks at once, one naming them backwards
    results = run_together(
        [
            lambda: tasks_bulk(ids=ids, action="shift_dates", days=2, by=marketer),
            lambda: tasks_bulk(ids=list(reversed(ids)), action="shift_dates", days=5, by=marketer),
        ]
    )
    # then both went through, each task moved by both (rows locked in id order: no deadlock, no lost update)
    assert all(isinstance(r, tuple) for r in results), results
    assert all(o.ok for outcomes, _batch in results for o in outcomes)
    assert set(Task.objects.filter(pk__in=ids).values_list("due_date", flat=True)) == {due + dt.timedelta(days=7)}


def test_two_people_linking_two_tasks_both_ways_at_once_make_no_cycle(team, marketer, sponsor):
    from django.core.exceptions import ValidationError

    from campaigns.models import Task
    from campaigns.services import task_set_dependencies
    from tests.campaigns.factories import TaskFactory

    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor)
    a, b = TaskFactory(campaign=campaign), TaskFactory(campaign=campaign)
    results = run_together(
        [
            lambda: task_set_dependencies(task=a, depends_on=[b], by=marketer),
            lambda: task_set_dependencies(task=b, depends_on=[a], by=marketer),
        ]
    )
    assert sum(isinstance(r, Task) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
