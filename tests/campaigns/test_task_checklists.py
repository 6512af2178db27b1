"""Checklists and dependencies of tasks (issue 18 item 6): services, the API per role, the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaigns import services
from campaigns.models import ChecklistItem, Task
from mrm.exceptions import StateConflict
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(team, marketer, sponsor):
    return CampaignFactory(team=team, owner=marketer, sponsor=sponsor)


@pytest.fixture
def assignee(db):
    return UserFactory(username="doer", roles=["approver"])


@pytest.fixture
def task(campaign, assignee):
    return TaskFactory(campaign=campaign, title="Write the brief", assignee=assignee, due_date=dt.date(2026, 7, 1))


# --- checklists ------------------------------------------------------------------------------


def test_steps_are_kept_in_order_and_who_ticked_one_when_is_recorded(task, marketer, assignee):
    first = services.checklist_item_add(task=task, text="Outline", by=marketer)
    second = services.checklist_item_add(task=task, text=" Draft ", by=marketer)
    assert (first.position, second.position, second.text) == (0, 1, "Draft")
    ticked = services.checklist_item_set_done(item=second, done=True, by=assignee)
    assert ticked.done and ticked.done_by == assignee and ticked.done_at is not None
    assert (task.checklist_done_count, task.checklist_total_count) == (1, 2)
    unticked = services.checklist_item_set_done(item=second, done=False, by=marketer)
    assert not unticked.done and unticked.done_by is None and unticked.done_at is None


def test_the_assignee_ticks_steps_but_only_editors_change_them(task, assignee, other_team_marketer, marketer):
    item = services.checklist_item_add(task=task, text="Outline", by=marketer)
    with pytest.raises(PermissionDenied):
        services.checklist_item_add(task=task, text="Mine", by=assignee)
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(item=item, text="Renamed", by=assignee)
    with pytest.raises(PermissionDenied):
        services.checklist_item_set_done(item=item, done=True, by=other_team_marketer)
    with pytest.raises(PermissionDenied):
        services.checklist_item_delete(item=item, by=other_team_marketer)
    services.checklist_item_update(item=item, text="Renamed", position=5, by=marketer)
    services.checklist_item_delete(item=item, by=marketer)
    assert not ChecklistItem.objects.exists()


def test_an_empty_step_is_refused(task, marketer):
    with pytest.raises(ValidationError):
        services.checklist_item_add(task=task, text="   ", by=marketer)


# --- dependencies ----------------------------------------------------------------------------


def test_a_task_is_not_done_while_one_it_depends_on_is_open(campaign, task, marketer, assignee):
    later = TaskFactory(campaign=campaign, title="Send it", assignee=assignee)
    services.task_set_dependencies(task=later, depends_on=[task], by=marketer)
    with pytest.raises(StateConflict, match="Write the brief"):
        services.task_set_done(task=later, done=True, by=assignee)
    with pytest.raises(StateConflict):
        services.task_update(task=later, done=True, by=marketer)
    services.task_set_done(task=task, done=True, by=assignee)
    assert services.task_set_done(task=later, done=True, by=assignee).done
    # reopening the prerequisite afterwards is allowed (the later task stays done)
    assert not services.task_set_done(task=task, done=False, by=assignee).done


def test_dependencies_refuse_a_cycle_another_campaign_and_the_task_itself(campaign, task, marketer):
    b = TaskFactory(campaign=campaign, title="B")
    c = TaskFactory(campaign=campaign, title="C")
    services.task_set_dependencies(task=b, depends_on=[task], by=marketer)
    services.task_set_dependencies(task=c, depends_on=[b], by=marketer)
    with pytest.raises(ValidationError, match="circle"):
        services.task_set_dependencies(task=task, depends_on=[c], by=marketer)
    with pytest.raises(ValidationError, match="itself"):
        services.task_set_dependencies(task=task, depends_on=[task], by=marketer)
    elsewhere = TaskFactory(campaign=CampaignFactory(team=campaign.team, owner=marketer))
    with pytest.raises(ValidationError, match="same campaign"):
        services.task_set_dependencies(task=task, depends_on=[elsewhere], by=marketer)
    assert list(task.depends_on.all()) == []
    # once c no longer waits for b, the first task may wait for c
    services.task_set_dependencies(task=c, depends_on=[], by=marketer)
    services.task_set_dependencies(task=task, depends_on=[c], by=marketer)
    assert list(task.depends_on.all()) == [c]


def test_only_editors_link_tasks(campaign, task, assignee, other_team_marketer):
    b = TaskFactory(campaign=campaign)
    for person in (assignee, other_team_marketer):
        with pytest.raises(PermissionDenied):
            services.task_set_dependencies(task=b, depends_on=[task], by=person)


# --- the API -----------------------------------------------------------------------------------


def test_the_task_api_shows_the_checklist_and_what_it_depends_on(api_as, campaign, task, marketer):
    b = TaskFactory(campaign=campaign, title="B")
    services.checklist_item_add(task=b, text="One", by=marketer)
    item = services.checklist_item_add(task=b, text="Two", by=marketer)
    services.checklist_item_set_done(item=item, done=True, by=marketer)
    client = api_as(marketer)
    answer = client.patch(f"/api/v1/tasks/{b.pk}/", {"depends_on": [task.pk]}, format="json")
    assert answer.status_code == 200, answer.json()
    body = client.get(f"/api/v1/tasks/{b.pk}/").json()
    assert body["depends_on"] == [task.pk]
    assert (body["checklist_done"], body["checklist_total"]) == (1, 2)
    assert [step["text"] for step in body["checklist"]] == ["One", "Two"]
    assert body["checklist"][1]["done_by"] == marketer.pk
    listed = client.get("/api/v1/tasks/", {"campaign": campaign.pk}).json()["results"]
    assert {row["id"]: row["checklist_total"] for row in listed} == {task.pk: 0, b.pk: 2}
    # a cycle is a 400, completing before the prerequisite a 409
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"depends_on": [b.pk]}, format="json").status_code == 400
    assert client.patch(f"/api/v1/tasks/{b.pk}/", {"done": True}, format="json").status_code == 409


def test_checklist_items_api_per_role(api_as, task, marketer, assignee, other_team_marketer, finance_user):
    client = api_as(marketer)
    created = client.post("/api/v1/checklist-items/", {"task": task.pk, "text": "Outline"}, format="json")
    assert created.status_code == 201, created.json()
    item = created.json()["id"]
    assert client.get("/api/v1/checklist-items/", {"task": task.pk}).json()["count"] == 1
    # the assignee ticks, but does not rename
    client = api_as(assignee)
    ticked = client.patch(f"/api/v1/checklist-items/{item}/", {"done": True}, format="json")
    assert ticked.status_code == 200 and ticked.json()["done_by"] == assignee.pk
    assert client.patch(f"/api/v1/checklist-items/{item}/", {"text": "x"}, format="json").status_code == 403
    # another team's marketer reads the (non-confidential) campaign's steps but changes nothing
    client = api_as(other_team_marketer)
    assert client.get(f"/api/v1/checklist-items/{item}/").status_code == 200
    assert client.patch(f"/api/v1/checklist-items/{item}/", {"done": False}, format="json").status_code == 403
    assert client.post("/api/v1/checklist-items/", {"task": task.pk, "text": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/checklist-items/{item}/").status_code == 403
    assert api_as(finance_user).delete(f"/api/v1/checklist-items/{item}/").status_code == 403
    assert api_as(marketer).delete(f"/api/v1/checklist-items/{item}/").status_code == 204


def test_a_confidential_campaigns_steps_do_not_exist_for_outsiders(
    api_as, other_team_confidential_campaign, other_team_marketer, marketer
):
    secret = TaskFactory(campaign=other_team_confidential_campaign)
    item = services.checklist_item_add(task=secret, text="Hidden", by=other_team_marketer)
    client = api_as(marketer)
    assert client.get(f"/api/v1/checklist-items/{item.pk}/").status_code == 404
    assert client.patch(f"/api/v1/checklist-items/{item.pk}/", {"done": True}, format="json").status_code == 404
    refused = client.post("/api/v1/checklist-items/", {"task": secret.pk, "text": "x"}, format="json")
    assert refused.status_code in (400, 403)
    assert client.get("/api/v1/checklist-items/", {"task": secret.pk}).status_code == 400


# --- the pages -------------------------------------------------------------------------------


def test_the_campaign_page_shows_progress_and_after_markers_and_ticks_a_step(client, campaign, task, marketer):
    later = TaskFactory(campaign=campaign, title="Send it")
    services.task_set_dependencies(task=later, depends_on=[task], by=marketer)
    item = services.checklist_item_add(task=task, text="Outline", by=marketer)
    client.force_login(marketer)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "0/1" in page and "after" in page
    answer = client.post(reverse("campaigns:checklist_toggle", args=[item.pk]), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "1/1" in answer.content.decode()
    added = client.post(reverse("campaigns:checklist_add", args=[task.pk]), {"text": "Review"})
    assert added.status_code == 302 and task.checklist.count() == 2


def test_marking_done_before_the_prerequisite_is_said_in_the_row(client, campaign, task, marketer):
    later = TaskFactory(campaign=campaign, title="Send it")
    services.task_set_dependencies(task=later, depends_on=[task], by=marketer)
    client.force_login(marketer)
    answer = client.post(reverse("campaigns:task_toggle", args=[later.pk]), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Write the brief" in answer.content.decode()
    assert not Task.objects.get(pk=later.pk).done


def test_the_task_form_links_tasks(client, campaign, task, marketer):
    later = TaskFactory(campaign=campaign, title="Send it")
    client.force_login(marketer)
    answer = client.post(
        reverse("campaigns:task_edit", args=[later.pk]),
        {"task-title": "Send it", "task-depends_on": [task.pk]},
    )
    assert answer.status_code == 302
    assert list(later.depends_on.all()) == [task]


def test_another_teams_marketer_cannot_tick_or_add_steps(client, task, marketer, other_team_marketer):
    item = services.checklist_item_add(task=task, text="Outline", by=marketer)
    client.force_login(other_team_marketer)
    assert client.post(reverse("campaigns:checklist_toggle", args=[item.pk]), {"done": "1"}).status_code == 403
    assert client.post(reverse("campaigns:checklist_add", args=[task.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("campaigns:checklist_delete", args=[item.pk])).status_code == 403


def test_the_timeline_draws_dependencies(client, campaign, marketer):
    start = campaign.start_date
    first = TaskFactory(campaign=campaign, title="Brief", due_date=start)
    second = TaskFactory(campaign=campaign, title="Launch mail", due_date=start + dt.timedelta(days=3))
    services.task_set_dependencies(task=second, depends_on=[first], by=marketer)
    client.force_login(marketer)
    page = client.get(
        reverse("campaigns:timeline"), {"start": start.isoformat(), "end": campaign.end_date.isoformat()}
    ).content.decode()
    assert 'data-testid="timeline-arrow"' in page
    assert "after Brief" in page
