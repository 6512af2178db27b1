"""The Django admin writes activities, tasks and KPIs through the same services as every page (STYLE habit 1)."""

import pytest

from campaigns.models import Activity, Campaign, Task
from tests.campaigns.factories import TaskFactory

pytestmark = pytest.mark.django_db


def inline_management(**totals):
    data = {}
    for prefix in ("activities", "tasks", "kpis", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = str(totals.get(prefix, 0))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def test_ticking_a_task_off_in_the_admin_records_when_like_everywhere_else(client, admin_user, draft_campaign):
    # given an open task
    task = TaskFactory(campaign=draft_campaign, title="Order banners")
    client.force_login(admin_user)
    # when the admin ticks it off on the task's admin page
    response = client.post(
        f"/admin/campaigns/task/{task.pk}/change/",
        {"title": "Order banners", "assignee": "", "activity": "", "due_date": "", "done": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # then the service's derived field is set and the history names the admin
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    assert task.history.first().history_user == admin_user


def test_a_task_cannot_move_to_another_campaign_in_the_admin(client, admin_user, draft_campaign, planned_campaign):
    task = TaskFactory(campaign=draft_campaign)
    client.force_login(admin_user)
    client.post(
        f"/admin/campaigns/task/{task.pk}/change/",
        {"campaign": planned_campaign.pk, "title": task.title, "assignee": "", "activity": "", "due_date": ""},
    )
    assert Task.objects.get(pk=task.pk).campaign == draft_campaign


def test_inline_activities_of_a_new_campaign_are_created_through_the_service(client, admin_user, team, marketer):
    client.force_login(admin_user)
    response = client.post(
        "/admin/campaigns/campaign/add/",
        {
            "code": "",
            "name": "Admin fair",
            "team": team.pk,
            "owner": marketer.pk,
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "planned_cost": "0",
            "tags": "",
            **inline_management(activities=1),
            "activities-0-name": "Booth",
            "activities-0-type": "event",
            "activities-0-channel": "",
            "activities-0-start_date": "2026-03-10",
            "activities-0-end_date": "2026-03-11",
            "activities-0-status": "planned",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(campaign=Campaign.objects.get(name="Admin fair"))
    assert activity.name == "Booth"
    assert activity.history.get().history_user == admin_user


def test_deleting_activities_in_bulk_goes_through_the_service(client, admin_user, draft_campaign):
    from tests.campaigns.factories import ActivityFactory

    activities = [ActivityFactory(campaign=draft_campaign) for _ in range(2)]
    client.force_login(admin_user)
    response = client.post(
        "/admin/campaigns/activity/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in activities], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Activity.objects.filter(campaign=draft_campaign).exists()
    assert {r.history_user for r in Activity.history.filter(history_type="-")} == {admin_user}
