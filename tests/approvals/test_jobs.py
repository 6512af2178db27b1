"""Reminders, escalation and stale requests (PRODUCT.md §5): each job run twice sends once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from approvals import tasks
from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest, StageState
from approvals.services import approval_confirm_needed, delegation_create
from notifications.models import Notification
from tests.factories import UserFactory


@pytest.fixture
def run_twice(django_capture_on_commit_callbacks):
    """Run a Celery task twice as beat would, e-mails leaving after each commit; return its results."""

    def run(task):
        results = []
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                results.append(task.apply().get())
        return results

    return run


@pytest.fixture
def overdue_request(open_request):
    StageState.objects.filter(pk=open_request.current_stage_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    mail.outbox.clear()
    return open_request


def test_reminders_go_once_to_the_approvers_of_overdue_stages(overdue_request, legal, run_twice, settings):
    # when the reminder job runs twice
    assert run_twice(tasks.send_stage_reminders_task) == [1, 0]
    # then legal got exactly one reminder, in the bell and by e-mail with a deep link
    assert [m.to for m in mail.outbox] == [[legal.email]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert f"{settings.MRM_BASE_URL}{overdue_request.get_absolute_url()}" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=legal, kind="reminder").count() == 1


def test_reminders_reach_a_current_stand_in_too(overdue_request, legal, run_twice):
    deputy = UserFactory(username="deputy", roles=["approver"])
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=deputy, starts_on=today, ends_on=today)
    mail.outbox.clear()
    run_twice(tasks.send_stage_reminders_task)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([legal.email, deputy.email])


def test_stages_not_yet_due_are_not_reminded(open_request, run_twice):
    mail.outbox.clear()
    assert run_twice(tasks.send_stage_reminders_task) == [0, 0]
    assert mail.outbox == []


def test_escalation_goes_once_to_the_contact_after_the_further_delay(overdue_request, settings, run_twice):
    # given the stage has an escalation contact and is overdue by more than the delay
    contact = UserFactory(username="head-of-legal", roles=["approver"])
    state = StageState.objects.get(pk=overdue_request.current_stage_id)
    state.stage.escalation_contact = contact
    state.stage.save()
    settings.MRM_APPROVAL_ESCALATION_DAYS = 2
    # when only one hour overdue, nothing escalates
    assert run_twice(tasks.escalate_overdue_stages_task) == [0, 0]
    StageState.objects.filter(pk=state.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    # when three days overdue, the job run twice escalates once
    assert run_twice(tasks.escalate_overdue_stages_task) == [1, 0]
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert mail.outbox[0].subject.startswith("Escalation:")


def test_stale_requests_ask_once_then_withdraw_once(open_request, marketer, settings, run_twice):
    settings.MRM_APPROVAL_STALE_DAYS = 30
    settings.MRM_APPROVAL_WITHDRAW_DAYS = 14
    ApprovalRequest.objects.filter(pk=open_request.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=31))
    mail.outbox.clear()
    # when the stale job runs twice, the submitter is asked once, with a link to the confirm page
    assert run_twice(tasks.ask_stale_requests_task) == [1, 0]
    assert [m.to for m in mail.outbox] == [[marketer.email]]
    assert f"/approvals/requests/{open_request.pk}/confirm/" in mail.outbox[0].body
    # when nobody confirms within the delay, the withdraw job run twice withdraws once
    assert run_twice(tasks.withdraw_unconfirmed_requests_task) == [0, 0]
    ApprovalRequest.objects.filter(pk=open_request.pk).update(stale_asked_at=timezone.now() - dt.timedelta(days=15))
    assert run_twice(tasks.withdraw_unconfirmed_requests_task) == [1, 0]
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.CANCELLED
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Withdrawn:")


def test_a_confirmed_request_is_not_withdrawn(open_request, marketer, run_twice):
    ApprovalRequest.objects.filter(pk=open_request.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=31))
    run_twice(tasks.ask_stale_requests_task)
    approval_confirm_needed(request=open_request, by=marketer, note="The event is still on")
    ApprovalRequest.objects.filter(pk=open_request.pk).update(stale_confirmed_at=timezone.now() - dt.timedelta(days=15))
    assert run_twice(tasks.withdraw_unconfirmed_requests_task) == [0, 0]
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.IN_PROGRESS


def test_every_job_is_on_the_beat_schedule():
    from mrm.schedule import BEAT_SCHEDULE

    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "approvals.tasks.send_stage_reminders_task",
        "approvals.tasks.escalate_overdue_stages_task",
        "approvals.tasks.ask_stale_requests_task",
        "approvals.tasks.withdraw_unconfirmed_requests_task",
    } <= scheduled


def test_the_scheduled_tasks_are_registered_with_celery():
    from mrm.celery import app
    from mrm.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
