"""The campaigns API (PRODUCT.md §8): shapes, writes through services, filters, errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.choices import CampaignStatus
from campaigns.models import KPI, Activity, Campaign, Channel, Task
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def payload(team, owner_user, **extra):
    return {
        "name": "Autumn push",
        "team": team.pk,
        "owner": owner_user.pk,
        "start_date": "2026-09-01",
        "end_date": "2026-10-15",
        "planned_cost": "1500.00",
        "channels": [Channel.objects.get(code="email").pk],
        "tags": ["autumn", "b2b"],
        **extra,
    }


def test_a_marketer_creates_a_campaign_with_a_generated_code_and_decimal_money(api_as, marketer, team):
    response = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"] == "CMP-2026-0001"
    assert data["planned_cost"] == "1500.00"
    assert data["status"] == "draft"
    assert data["tags"] == ["autumn", "b2b"]
    assert data["team"] == team.pk and data["owner"] == marketer.pk and data["sponsor"] is None
    campaign = Campaign.objects.get(pk=data["id"])
    assert campaign.planned_cost == Decimal("1500.00")
    assert campaign.created_by == marketer
    assert campaign.history.first().history_user == marketer
    # the next one counts on
    second = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer), format="json").json()
    assert second["code"] == "CMP-2026-0002"


def test_a_marketer_cannot_create_for_another_team(api_as, marketer, other_team):
    response = api_as(marketer).post("/api/v1/campaigns/", payload(other_team, marketer), format="json")
    assert response.status_code == 403
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["approver", "finance_user"])
def test_readers_cannot_create(request, api_as, team, role):
    user = request.getfixturevalue(role)
    response = api_as(user).post("/api/v1/campaigns/", payload(team, user), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-08-01"}, "end_date"),
        ({"planned_cost": "-1.00"}, "planned_cost"),
        ({"planned_cost": "12.345"}, "planned_cost"),
        ({"name": ""}, "name"),
        ({"owner": None}, "owner"),
        ({"start_date": "01.09.2026"}, "start_date"),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_changes_nothing(api_as, marketer, team, change, field):
    response = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Campaign.objects.exists()


def test_codes_are_unique(api_as, marketer, team):
    CampaignFactory(code="DUP-1", team=team)
    response = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer, code="DUP-1"), format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_status_is_read_only_in_updates(api_as, marketer, draft_campaign):
    response = api_as(marketer).patch(
        f"/api/v1/campaigns/{draft_campaign.pk}/", {"status": "active", "name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    draft_campaign.refresh_from_db()
    assert draft_campaign.status == CampaignStatus.DRAFT
    assert draft_campaign.name == "Renamed"


def test_a_campaign_past_draft_keeps_its_sponsor(api_as, marketer, planned_campaign):
    response = api_as(marketer).patch(f"/api/v1/campaigns/{planned_campaign.pk}/", {"sponsor": None}, format="json")
    assert response.status_code == 400
    assert "sponsor" in response.json()


def test_campaigns_cannot_be_deleted_only_cancelled(api_as, admin_user, draft_campaign):
    assert api_as(admin_user).delete(f"/api/v1/campaigns/{draft_campaign.pk}/").status_code == 405


def test_a_parent_cannot_be_a_child(api_as, marketer, team, draft_campaign):
    child = CampaignFactory(team=team, parent=draft_campaign)
    response = api_as(marketer).patch(f"/api/v1/campaigns/{draft_campaign.pk}/", {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_list_filters_search_ordering_and_pagination(api_as, marketer, team, other_team):
    email = Channel.objects.get(code="email")
    CampaignFactory(code="A-1", name="Alpha", team=team, status=CampaignStatus.ACTIVE, channels=[email])
    CampaignFactory(code="B-1", name="Beta", team=other_team, tags="webinar, q4")
    CampaignFactory(code="C-1", name="Gamma", team=team, planned_cost=Decimal("10"))
    api = api_as(marketer)

    def codes(**params):
        return [c["code"] for c in api.get("/api/v1/campaigns/", params).json()["results"]]

    assert codes(status="active") == ["A-1"]
    assert sorted(codes(team=team.pk)) == ["A-1", "C-1"]
    assert codes(channel=email.pk) == ["A-1"]
    assert codes(search="q4") == ["B-1"]
    assert codes(ordering="-name") == ["C-1", "B-1", "A-1"]
    assert codes(ordering="planned_cost", team=team.pk) == ["A-1", "C-1"]
    page = api.get("/api/v1/campaigns/", {"page_size": 2, "ordering": "code"}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert api.get("/api/v1/campaigns/", {"status": "launched"}).status_code == 400


def test_activities_crud_through_the_api(api_as, marketer, draft_campaign, other_team_marketer):
    api = api_as(marketer)
    created = api.post(
        "/api/v1/activities/",
        {
            "campaign": draft_campaign.pk,
            "name": "Webinar",
            "type": "webinar",
            "start_date": "2026-09-02",
            "end_date": "2026-09-02",
            "start_time": "10:00",
            "end_time": "11:00",
            "public": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    activity_id = created.json()["id"]
    assert created.json()["all_day"] is False
    bad = api.patch(f"/api/v1/activities/{activity_id}/", {"end_time": "09:00"}, format="json")
    assert bad.status_code == 400 and "end_time" in bad.json()
    assert api.patch(f"/api/v1/activities/{activity_id}/", {"name": "Webinar 2"}, format="json").status_code == 200
    # another team reads it but cannot change or delete it
    other = api_as(other_team_marketer)
    assert other.get(f"/api/v1/activities/{activity_id}/").status_code == 200
    assert other.patch(f"/api/v1/activities/{activity_id}/", {"name": "x"}, format="json").status_code == 403
    assert other.delete(f"/api/v1/activities/{activity_id}/").status_code == 403
    api = api_as(marketer)
    assert api.delete(f"/api/v1/activities/{activity_id}/").status_code == 204
    assert not Activity.objects.exists()
    assert Activity.history.filter(id=activity_id, history_type="-").get().history_user == marketer


def test_activity_cannot_move_to_another_campaign(api_as, marketer, team, draft_campaign):
    activity = ActivityFactory(campaign=draft_campaign)
    elsewhere = CampaignFactory(team=team)
    response = api_as(marketer).patch(f"/api/v1/activities/{activity.pk}/", {"campaign": elsewhere.pk}, format="json")
    assert response.status_code == 400
    assert Activity.objects.get(pk=activity.pk).campaign == draft_campaign


def test_tasks_and_the_assignee_who_ticks_them_off(api_as, marketer, draft_campaign, other_team):
    helper = UserFactory(username="helper", roles=["marketer"], teams=[other_team])
    api = api_as(marketer)
    created = api.post(
        "/api/v1/tasks/",
        {"campaign": draft_campaign.pk, "title": "Book the venue", "assignee": helper.pk, "due_date": "2026-09-01"},
        format="json",
    )
    assert created.status_code == 201
    task_id = created.json()["id"]
    # the assignee (another team) may tick it off, but not rename it
    helper_api = api_as(helper)
    assert helper_api.patch(f"/api/v1/tasks/{task_id}/", {"done": True}, format="json").status_code == 200
    assert Task.objects.get(pk=task_id).done_at is not None
    assert helper_api.patch(f"/api/v1/tasks/{task_id}/", {"title": "x"}, format="json").status_code == 403
    assert api_as(helper).get("/api/v1/tasks/", {"done": "true"}).json()["count"] == 1


def test_a_task_activity_must_belong_to_the_campaign(api_as, marketer, team, draft_campaign):
    foreign = ActivityFactory(campaign=CampaignFactory(team=team))
    response = api_as(marketer).post(
        "/api/v1/tasks/", {"campaign": draft_campaign.pk, "title": "x", "activity": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert "activity" in response.json()


def test_a_task_of_an_activity_may_name_just_the_activity(api_as, marketer, other_team_marketer, draft_campaign):
    # given an activity of the marketer's campaign
    activity = ActivityFactory(campaign=draft_campaign)
    api = api_as(marketer)
    # when a task names only the activity, it lands on the activity's campaign
    created = api.post("/api/v1/tasks/", {"activity": activity.pk, "title": "Print badges"}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["campaign"], created.json()["activity"]) == (draft_campaign.pk, activity.pk)
    # a task naming neither is refused with a field message
    response = api.post("/api/v1/tasks/", {"title": "Orphan"}, format="json")
    assert response.status_code == 400 and "campaign" in response.json()
    # and another team's marketer cannot hang a task on the activity
    response = api_as(other_team_marketer).post(
        "/api/v1/tasks/", {"activity": activity.pk, "title": "Sneak"}, format="json"
    )
    assert response.status_code == 403
    assert Task.objects.filter(activity=activity).count() == 1


def test_kpis_with_targets_actuals_and_custom_metrics(api_as, marketer, draft_campaign):
    api = api_as(marketer)
    leads = api.post(
        "/api/v1/kpis/",
        {"campaign": draft_campaign.pk, "metric": "leads", "target": "500", "actual": "120.5"},
        format="json",
    )
    assert leads.status_code == 201
    assert leads.json()["target"] == "500.00" and leads.json()["label"] == "Leads"
    duplicate = api.post("/api/v1/kpis/", {"campaign": draft_campaign.pk, "metric": "leads"}, format="json")
    assert duplicate.status_code == 400
    nameless = api.post("/api/v1/kpis/", {"campaign": draft_campaign.pk, "metric": "custom"}, format="json")
    assert nameless.status_code == 400 and "custom_name" in nameless.json()
    custom = api.post(
        "/api/v1/kpis/", {"campaign": draft_campaign.pk, "metric": "custom", "custom_name": "NPS"}, format="json"
    )
    assert custom.status_code == 201 and custom.json()["label"] == "NPS"
    assert KPI.objects.filter(campaign=draft_campaign).count() == 2


def test_anonymous_api_calls_are_401(api_client, draft_campaign):
    for url in [
        "/api/v1/campaigns/",
        "/api/v1/activities/",
        "/api/v1/tasks/",
        "/api/v1/kpis/",
        f"/api/v1/campaigns/{draft_campaign.pk}/",
    ]:
        assert api_client.get(url).status_code == 401


def test_the_schema_documents_the_campaign_paths(api_as, marketer):
    schema = api_as(marketer).get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/transition/",
        "/api/v1/activities/",
        "/api/v1/tasks/",
        "/api/v1/kpis/",
        "/api/v1/calendar/events/",
    ]:
        assert path in schema["paths"], path


def test_dates_are_iso(api_as, marketer, draft_campaign):
    data = api_as(marketer).get(f"/api/v1/campaigns/{draft_campaign.pk}/").json()
    assert dt.date.fromisoformat(data["start_date"]) == draft_campaign.start_date


def test_task_factory_default_campaign_is_visible_to_finance(api_as, finance_user):
    TaskFactory()
    assert api_as(finance_user).get("/api/v1/tasks/").json()["count"] == 1


def test_campaigns_of_a_former_employee_can_still_be_found_by_owner(api_as, client, marketer, team, sponsor):
    # given a campaign whose owner has left
    former = UserFactory(username="gone", display_name="Gone Person", roles=["marketer"], teams=[team])
    campaign = CampaignFactory(team=team, owner=former, sponsor=sponsor)
    type(former).objects.filter(pk=former.pk).update(is_active=False)  # left without a handover (directory sync)
    # when someone looks for what they owned, the API and the list page find it
    response = api_as(marketer).get("/api/v1/campaigns/", {"owner": former.pk})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [campaign.pk]
    client.force_login(marketer)
    page = client.get(reverse("campaigns:list"), {"owner": former.pk}).content.decode()
    assert campaign.code in page and ">Gone Person</option>" in page
    # but the owner dropdown does not offer people who left unless they are the chosen filter
    assert ">Gone Person</option>" not in client.get(reverse("campaigns:list")).content.decode()
