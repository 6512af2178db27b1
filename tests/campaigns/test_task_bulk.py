"""Bulk changes of tasks (issue 18 item 1, from "my tasks"): the campaigns' bulk engine, per-id outcomes, one undo."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.bulk import tasks_bulk, tasks_bulk_undo
from campaigns.models import CampaignBatch, Task
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 7, 1)


@pytest.fixture
def assignee(db):
    return UserFactory(username="doer", roles=["approver"])


@pytest.fixture
def tasks(team, marketer, sponsor, assignee):
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor)
    return [TaskFactory(campaign=campaign, assignee=assignee, due_date=DUE, title=f"T{n}") for n in range(3)]


def ids(objs):
    return [obj.pk for obj in objs]


def test_marking_done_gives_one_history_entry_per_task_and_one_undo(tasks, assignee):
    outcomes, batch = tasks_bulk(ids=ids(tasks), action="status", status="done", by=assignee)
    assert all(o.ok for o in outcomes)
    assert Task.objects.filter(done=True).count() == 3
    for task in tasks:
        assert task.history.filter(history_user=assignee, done=True).count() == 1
    assert batch.kind == "task" and set(batch.items) == {str(pk) for pk in ids(tasks)}
    undone = tasks_bulk_undo(batch=batch, by=assignee)
    assert all(o.ok for o in undone)
    assert not Task.objects.filter(done=True).exists()


def test_refusals_are_listed_per_task_and_unreadable_ids_answer_as_missing(
    tasks, assignee, marketer, other_team_confidential_campaign
):
    secret = TaskFactory(campaign=other_team_confidential_campaign)
    blocked = TaskFactory(campaign=tasks[0].campaign, assignee=assignee, due_date=None)
    services.task_set_dependencies(task=blocked, depends_on=[tasks[0]], by=marketer)
    outcomes, _batch = tasks_bulk(
        ids=[blocked.pk, secret.pk, 999999, tasks[1].pk], action="status", status="done", by=assignee
    )
    by_id = {o.id: o for o in outcomes}
    assert [o.id for o in outcomes] == [blocked.pk, secret.pk, 999999, tasks[1].pk]
    assert not by_id[blocked.pk].ok and "T0" in by_id[blocked.pk].error
    assert by_id[secret.pk].as_dict() == {"id": secret.pk, "ok": False, "error": by_id[999999].error}
    assert by_id[tasks[1].pk].ok


def test_the_assignee_may_tick_but_not_reassign_or_move(tasks, assignee, marketer):
    outcomes, batch = tasks_bulk(ids=ids(tasks), action="assignee", assignee=marketer, by=assignee)
    assert not any(o.ok for o in outcomes) and batch is None
    outcomes, batch = tasks_bulk(ids=ids(tasks), action="shift_dates", days=2, by=assignee)
    assert not any(o.ok for o in outcomes) and batch is None


def test_shift_and_reassign_by_an_editor_and_undo_skips_what_changed_since(tasks, marketer, assignee):
    undated = TaskFactory(campaign=tasks[0].campaign, due_date=None)
    outcomes, batch = tasks_bulk(ids=[*ids(tasks), undated.pk], action="shift_dates", days=-3, by=marketer)
    assert [o.ok for o in outcomes] == [True, True, True, False]
    assert "due date" in outcomes[3].error
    assert set(Task.objects.filter(pk__in=ids(tasks)).values_list("due_date", flat=True)) == {DUE - dt.timedelta(3)}
    services.task_update(task=tasks[0], by=marketer, title="Changed by hand")
    undone = tasks_bulk_undo(batch=batch, by=marketer)
    assert [o.ok for o in undone] == [False, True, True]
    assert Task.objects.get(pk=tasks[1].pk).due_date == DUE
    outcomes, batch = tasks_bulk(ids=ids(tasks), action="assignee", assignee=None, by=marketer)
    assert all(o.ok for o in outcomes) and not Task.objects.exclude(assignee=None).exists()
    tasks_bulk_undo(batch=batch, by=marketer)
    assert Task.objects.filter(assignee=assignee).count() == 3


def test_a_task_batch_is_not_undone_as_campaigns(api_as, tasks, marketer):
    _outcomes, batch = tasks_bulk(ids=ids(tasks), action="status", status="done", by=marketer)
    assert api_as(marketer).post("/api/v1/campaigns/bulk/undo/", {"batch": batch.pk}, format="json").status_code == 404


# --- the API per role ----------------------------------------------------------------------------


def test_api_bulk_mirrors_the_campaigns_one(api_as, tasks, assignee, marketer, other_team_marketer):
    client = api_as(assignee)
    answer = client.post(
        "/api/v1/tasks/bulk/", {"ids": ids(tasks), "action": "status", "status": "done"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["results"] == [{"id": pk, "ok": True} for pk in ids(tasks)] and body["batch"]
    # another team's marketer reads these tasks but changes none of them
    refused = api_as(other_team_marketer).post(
        "/api/v1/tasks/bulk/", {"ids": ids(tasks), "action": "status", "status": "open"}, format="json"
    )
    assert refused.status_code == 200 and not any(r["ok"] for r in refused.json()["results"])
    # nor undo the batch (it is not theirs): as if it did not exist
    assert (
        api_as(other_team_marketer)
        .post("/api/v1/tasks/bulk/undo/", {"batch": body["batch"]}, format="json")
        .status_code
        == 404
    )
    undone = api_as(assignee).post("/api/v1/tasks/bulk/undo/", {"batch": body["batch"]}, format="json")
    assert undone.status_code == 200 and all(r["ok"] for r in undone.json()["results"])
    # an editor reassigns
    moved = api_as(marketer).post(
        "/api/v1/tasks/bulk/", {"ids": ids(tasks), "action": "assignee", "assignee": marketer.pk}, format="json"
    )
    assert all(r["ok"] for r in moved.json()["results"])


def test_api_bulk_refuses_a_malformed_request(api_as, tasks, marketer):
    client = api_as(marketer)
    assert client.post("/api/v1/tasks/bulk/", {"ids": [], "action": "status"}, format="json").status_code == 400
    assert client.post("/api/v1/tasks/bulk/", {"ids": [1], "action": "team"}, format="json").status_code == 400
    assert client.post("/api/v1/tasks/bulk/", {"ids": [1], "action": "status"}, format="json").status_code == 400
    assert client.post("/api/v1/tasks/bulk/", {"ids": [1], "action": "shift_dates"}, format="json").status_code == 400
    assert client.post("/api/v1/campaigns/bulk/", {"ids": [1], "action": "assignee"}, format="json").status_code == 400
    assert not CampaignBatch.objects.exists()


def test_api_bulk_needs_a_signed_in_user(api_client, tasks):
    answer = api_client.post(
        "/api/v1/tasks/bulk/", {"ids": ids(tasks), "action": "status", "status": "done"}, format="json"
    )
    assert answer.status_code in (401, 403)


# --- the pages -----------------------------------------------------------------------------------


def test_my_tasks_bulk_bar_marks_done_and_undoes(client, tasks, assignee):
    client.force_login(assignee)
    page = client.get(reverse("campaigns:my_tasks")).content.decode()
    assert 'data-testid="task-bulk-bar"' in page
    answer = client.post(reverse("campaigns:task_bulk"), {"ids": ids(tasks[:2]), "action": "status", "status": "done"})
    assert answer.status_code == 200 and "2 tasks changed" in answer.content.decode()
    batch = CampaignBatch.objects.get(kind="task")
    assert client.post(reverse("campaigns:bulk_undo", args=[batch.pk])).status_code == 404
    assert client.post(reverse("campaigns:task_bulk_undo", args=[batch.pk])).status_code == 200
    assert not Task.objects.filter(done=True).exists()
    assert client.post(reverse("campaigns:task_bulk"), {"action": "status"}).status_code == 400


def test_the_board_offers_the_bulk_bar_to_marketers_only(client, tasks, marketer, finance_user):
    client.force_login(marketer)
    page = client.get(reverse("campaigns:board")).content.decode()
    assert 'data-testid="bulk-bar"' in page and 'form="bulk-form"' in page
    client.force_login(finance_user)
    assert 'data-testid="bulk-bar"' not in client.get(reverse("campaigns:board")).content.decode()
