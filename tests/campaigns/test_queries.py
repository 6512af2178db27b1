"""No N+1: lists and feeds cost the same number of queries for 1 row and for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Channel, ChecklistItem
from campaigns.services import calendar_feed_create
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def make(n, team, sponsor):
    channels = list(Channel.objects.all()[:2])
    for _ in range(n):
        campaign = CampaignFactory(
            team=team, sponsor=sponsor, start_date=TODAY, end_date=TODAY + dt.timedelta(days=5), channels=channels
        )
        ActivityFactory(campaign=campaign, channel=channels[0], start_date=TODAY, end_date=TODAY, public=True)
        # an open task after a done one, with a checklist step: arrows on the timeline, counts in the task API
        # (the lists below ask for open tasks: one task and one step per row)
        first = TaskFactory(campaign=campaign, due_date=TODAY, done=True)
        second = TaskFactory(campaign=campaign, due_date=TODAY + dt.timedelta(days=1))
        second.depends_on.add(first)
        ChecklistItem.objects.create(task=second, text="Step", done=True)
        KPIFactory(campaign=campaign)


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


WINDOW = {"start": (TODAY - dt.timedelta(days=3)).isoformat(), "end": (TODAY + dt.timedelta(days=10)).isoformat()}


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:list")), id="list page"),
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:board")), id="board"),
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:timeline"), WINDOW), id="timeline"),
        pytest.param(lambda c, a, f: a.get("/api/v1/campaigns/?page_size=100"), id="api campaigns"),
        pytest.param(lambda c, a, f: a.get("/api/v1/activities/?page_size=100"), id="api activities"),
        pytest.param(lambda c, a, f: a.get("/api/v1/tasks/?page_size=100"), id="api tasks"),
        pytest.param(lambda c, a, f: a.get("/api/v1/kpis/?page_size=100"), id="api kpis"),
        pytest.param(lambda c, a, f: a.get("/api/v1/calendar/events/", WINDOW), id="calendar events"),
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:feed_ics", args=[f.token])), id="ics feed"),
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:embed_events"), WINDOW), id="embed feed"),
        pytest.param(lambda c, a, f: c.get(reverse("campaigns:embed_events"), {"upcoming": 50}), id="embed upcoming"),
    ],
)
def test_one_row_and_fifty_rows_cost_the_same(client, api_as, marketer, team, sponsor, call):
    client.force_login(marketer)
    api = api_as(marketer)
    feed = calendar_feed_create(owner=marketer, name="all", filters={}, by=marketer)
    make(1, team, sponsor)
    call(client, api, feed)  # warm up: per-user caches (roles, teams) fill on the first request
    one = count(lambda: call(client, api, feed))
    make(49, team, sponsor)
    fifty = count(lambda: call(client, api, feed))
    assert fifty == one, f"{one} queries for 1 row, {fifty} for 50"


def test_the_campaign_page_costs_the_same_with_many_parts(client, marketer, team, sponsor):
    campaign = CampaignFactory(team=team, sponsor=sponsor)
    client.force_login(marketer)
    ActivityFactory(campaign=campaign)
    TaskFactory(campaign=campaign)
    KPIFactory(campaign=campaign)
    client.get(campaign.get_absolute_url())  # warm up: the first request of the hour records last_seen_at
    one = count(lambda: client.get(campaign.get_absolute_url()))
    for _ in range(20):
        ActivityFactory(campaign=campaign)
        task = TaskFactory(campaign=campaign, assignee=marketer)
        ChecklistItem.objects.create(task=task, text="Step")
        task.depends_on.add(TaskFactory(campaign=campaign))
    fifty = count(lambda: client.get(campaign.get_absolute_url()))
    assert fifty == one


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/campaigns/?page_size=100",
        "/api/v1/activities/?page_size=100",
        "/api/v1/tasks/?page_size=100&done=false",
        "/api/v1/checklist-items/?page_size=100",
        "/api/v1/kpis/?page_size=100",
    ],
)
def test_api_lists_meet_the_shared_query_budget(assert_constant_queries, api_as, marketer, team, sponsor, path):
    # the project-wide gate: 1 and 50 rows cost the same, and all 50 are really listed
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get(path), lambda: make(1, team, sponsor))


def test_list_page_meets_the_shared_query_budget(assert_constant_queries, client, marketer, team, sponsor):
    client.force_login(marketer)
    assert_constant_queries(lambda: client.get(reverse("campaigns:list")), lambda: make(1, team, sponsor))
