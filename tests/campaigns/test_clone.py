"""Cloning a campaign (issue 18 item 2): its plan moved to a new start, nothing of its run, per role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.blueprints import blueprint_of
from campaigns.choices import ActivityStatus, CampaignStatus, KPIMetric
from campaigns.models import Activity, Campaign, Channel, Task
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


@pytest.fixture
def source(team, marketer, sponsor):
    campaign = CampaignFactory(
        code="BR-2026-SPRING",
        name="Весенняя кампания",
        team=team,
        owner=marketer,
        sponsor=sponsor,
        start_date=START,
        end_date=START + dt.timedelta(days=40),
        planned_cost=Decimal("125000.50"),
        status=CampaignStatus.COMPLETED,
        tags="spring, b2b",
        description="Brief",
    )
    campaign.channels.set([Channel.objects.get(code="email")])
    webinar = ActivityFactory(
        campaign=campaign,
        name="Вебинар",
        start_date=START + dt.timedelta(days=10),
        end_date=START + dt.timedelta(days=11),
        start_time=dt.time(10, 30),
        end_time=dt.time(12, 0),
        owner=marketer,
        status=ActivityStatus.DONE,
        public=True,
    )
    TaskFactory(
        campaign=campaign,
        activity=webinar,
        title="Slides",
        assignee=marketer,
        due_date=START + dt.timedelta(days=8),
        done=True,
    )
    TaskFactory(campaign=campaign, title="Undated")
    KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, target=Decimal("300"), actual=Decimal("412"))
    return campaign


def test_a_clone_is_a_draft_with_the_plan_moved_and_nothing_of_the_run(source, marketer, sponsor):
    new_start = dt.date(2027, 3, 1)
    clone = services.campaign_clone(campaign=source, name="Spring 2027", start_date=new_start, by=marketer)

    assert clone.pk != source.pk and clone.code != source.code
    assert clone.status == CampaignStatus.DRAFT
    assert (clone.name, clone.team, clone.owner, clone.sponsor) == ("Spring 2027", source.team, marketer, sponsor)
    assert (clone.start_date, clone.end_date) == (new_start, new_start + dt.timedelta(days=40))
    assert clone.planned_cost == Decimal("125000.50") and clone.tags == "spring, b2b" and clone.description == "Brief"
    assert list(clone.channels.values_list("code", flat=True)) == ["email"]

    activity = clone.activities.get()
    assert activity.name == "Вебинар" and activity.status == ActivityStatus.PLANNED
    assert (activity.start_date, activity.end_date) == (
        new_start + dt.timedelta(days=10),
        new_start + dt.timedelta(days=11),
    )
    assert (activity.start_time, activity.end_time, activity.owner, activity.public) == (
        dt.time(10, 30),
        dt.time(12),
        marketer,
        True,
    )
    slides, undated = clone.tasks.order_by("title")
    assert slides.activity == activity and slides.due_date == new_start + dt.timedelta(days=8)
    assert not slides.done and slides.done_at is None and slides.assignee == marketer
    assert undated.activity is None and undated.due_date is None
    kpi = clone.kpis.get()
    assert (kpi.metric, kpi.target, kpi.actual) == (KPIMetric.LEADS, Decimal("300"), None)

    # the source is untouched
    assert source.activities.count() == 1 and source.tasks.count() == 2 and source.status == CampaignStatus.COMPLETED


def test_the_clone_records_who_cloned_what_in_history(source, marketer):
    clone = services.campaign_clone(campaign=source, name="Again", start_date=dt.date(2027, 1, 4), by=marketer)
    record = clone.history.first()
    assert record.history_user == marketer
    assert record.history_change_reason == "Cloned from BR-2026-SPRING"
    for part in (*clone.activities.all(), *clone.tasks.all(), *clone.kpis.all()):
        entry = part.history.get()
        assert entry.history_user == marketer and entry.history_type == "+"
        assert entry.history_change_reason == "Cloned from BR-2026-SPRING"


def test_people_who_have_left_and_retired_channels_are_not_copied(source, marketer, sponsor):
    gone = UserFactory(username="gone", roles=["marketer"])
    activity = source.activities.get()
    activity.owner = gone
    activity.channel = Channel.objects.get(code="email")
    activity.save()
    Task.objects.filter(campaign=source).update(assignee=gone)
    gone.is_active = False
    gone.save()
    sponsor.is_active = False
    sponsor.save()
    Channel.objects.filter(code="email").update(is_active=False)

    clone = services.campaign_clone(campaign=source, name="Clean", start_date=dt.date(2027, 1, 4), by=marketer)
    assert clone.sponsor is None and not clone.channels.exists()
    assert clone.activities.get().owner is None and clone.activities.get().channel is None
    assert not clone.tasks.exclude(assignee=None).exists()


def test_a_start_that_pushes_the_plan_outside_the_accepted_dates_is_refused_and_writes_nothing(source, marketer):
    count = Campaign.objects.count()
    with pytest.raises(services.ValidationError) as error:
        services.campaign_clone(campaign=source, name="Far", start_date=dt.date(2200, 1, 1), by=marketer)
    assert "start_date" in error.value.message_dict or "end_date" in error.value.message_dict
    assert Campaign.objects.count() == count and Activity.objects.count() == 1


def test_a_marketer_clones_another_teams_campaign_only_into_their_own_team(source, other_team_marketer, other_team):
    with pytest.raises(services.PermissionDenied):
        services.campaign_clone(campaign=source, name="Mine", start_date=START, by=other_team_marketer)
    clone = services.campaign_clone(
        campaign=source, name="Mine", start_date=START, by=other_team_marketer, team=other_team
    )
    assert clone.team == other_team and clone.owner == other_team_marketer


def test_the_blueprint_costs_the_same_queries_whatever_the_plan(source, marketer, django_assert_num_queries):
    for index in range(20):
        activity = ActivityFactory(campaign=source)
        TaskFactory(campaign=source, activity=activity)
        KPIFactory(campaign=source, metric=KPIMetric.CUSTOM, custom_name=f"metric {index}")
    with django_assert_num_queries(4):
        blueprint = blueprint_of(source)
    assert len(blueprint["activities"]) == 21 and len(blueprint["tasks"]) == 22 and len(blueprint["kpis"]) == 21

    small = CampaignFactory(team=source.team, start_date=START, end_date=START)
    with django_assert_num_queries(4):
        blueprint_of(small)


def test_cloning_costs_the_same_queries_for_a_small_and_a_large_plan(source, marketer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name):
        with CaptureQueriesContext(connection) as context:
            services.campaign_clone(campaign=source, name=name, start_date=START, by=marketer)
        return len(context)

    small = queries("Small")
    for index in range(30):
        activity = ActivityFactory(campaign=source)
        TaskFactory(campaign=source, activity=activity)
        KPIFactory(campaign=source, metric=KPIMetric.CUSTOM, custom_name=f"metric {index}")
    assert queries("Big") <= small  # the first clone also warms per-user caches
    assert Activity.objects.filter(campaign__name="Big").count() == 31


# --- API -------------------------------------------------------------------------------


def test_the_api_clones_into_a_new_draft(api_as, source, marketer):
    response = api_as(marketer).post(
        f"/api/v1/campaigns/{source.pk}/clone/", {"name": "Spring 2027", "start_date": "2027-03-01"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["name"] == "Spring 2027"
    assert data["start_date"] == "2027-03-01" and data["end_date"] == "2027-04-10"
    assert data["planned_cost"] == "125000.50" and data["owner"] == marketer.pk
    assert Task.objects.filter(campaign_id=data["id"]).count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "x"},
        {"name": "", "start_date": "2027-01-01"},
        {"name": "x", "start_date": "01.02.2027"},
        {"name": "x", "start_date": "2027-01-01", "team": 999999},
    ],
)
def test_the_api_refuses_bad_input_with_field_errors_and_writes_nothing(api_as, source, marketer, body):
    count = Campaign.objects.count()
    response = api_as(marketer).post(f"/api/v1/campaigns/{source.pk}/clone/", body, format="json")
    assert response.status_code == 400
    assert Campaign.objects.count() == count


@pytest.mark.parametrize("role", ["approver", "finance_user", "leadership_user"])
def test_readers_who_create_no_campaigns_cannot_clone(request, api_as, source, role):
    user = request.getfixturevalue(role)
    response = api_as(user).post(
        f"/api/v1/campaigns/{source.pk}/clone/", {"name": "x", "start_date": "2027-01-01"}, format="json"
    )
    assert response.status_code == 403
    assert Campaign.objects.count() == 1


def test_another_teams_marketer_clones_into_their_team_or_is_refused(api_as, source, other_team_marketer, other_team):
    client = api_as(other_team_marketer)
    url = f"/api/v1/campaigns/{source.pk}/clone/"
    assert client.post(url, {"name": "x", "start_date": "2027-01-01"}, format="json").status_code == 403
    response = client.post(url, {"name": "x", "start_date": "2027-01-01", "team": other_team.pk}, format="json")
    assert response.status_code == 201 and response.json()["team"] == other_team.pk


def test_a_confidential_campaign_one_cannot_read_answers_as_missing(api_as, other_team_confidential_campaign, marketer):
    client = api_as(marketer)
    body = {"name": "x", "start_date": "2027-01-01"}
    hidden = client.post(f"/api/v1/campaigns/{other_team_confidential_campaign.pk}/clone/", body, format="json")
    missing = client.post("/api/v1/campaigns/999999/clone/", body, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- pages -----------------------------------------------------------------------------


def test_the_clone_page_prefills_and_creates(client, source, marketer):
    client.force_login(marketer)
    detail = client.get(source.get_absolute_url())
    assert reverse("campaigns:clone", args=[source.pk]) in detail.content.decode()
    page = client.get(reverse("campaigns:clone", args=[source.pk]))
    assert page.status_code == 200
    assert "Весенняя кампания (copy)" in page.content.decode()
    response = client.post(
        reverse("campaigns:clone", args=[source.pk]),
        {"name": "Spring 2027", "start_date": "2027-03-01", "team": source.team_id},
    )
    clone = Campaign.objects.get(name="Spring 2027")
    assert response.status_code == 302 and response["Location"] == clone.get_absolute_url()


def test_the_clone_page_shows_a_refusal_on_the_field(client, source, marketer):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:clone", args=[source.pk]),
        {"name": "Far", "start_date": "2200-01-01", "team": source.team_id},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Campaign.objects.count() == 1


def test_readers_see_no_clone_button_and_get_403(client, source, finance_user):
    client.force_login(finance_user)
    assert reverse("campaigns:clone", args=[source.pk]) not in client.get(source.get_absolute_url()).content.decode()
    assert client.get(reverse("campaigns:clone", args=[source.pk])).status_code == 403
