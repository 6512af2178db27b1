"""Stale change requests: "still needed, and why?", then withdrawn (PRODUCT.md §1, §7); every job idempotent."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from changes import jobs, services, tasks
from changes.choices import ChangeStatus
from mrm.exceptions import StateConflict
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _idle(change, days):
    type(change).objects.filter(pk=change.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=days))
    change.refresh_from_db()


@override_settings(MRM_CHANGE_REQUEST_STALE_DAYS=30, MRM_CHANGE_REQUEST_WITHDRAW_DAYS=14)
def test_an_idle_request_asks_its_requester_once(open_change, marketer):
    # given a request idle for 31 days
    _idle(open_change, 31)
    # when the job runs twice
    assert jobs.ask_stale_change_requests() == 1
    assert jobs.ask_stale_change_requests() == 0
    # then the requester was asked once, with a link to the confirmation
    asked = Notification.objects.filter(recipient=marketer, kind="stale_check")
    assert asked.count() == 1
    assert asked.get().url.endswith("#confirm")
    open_change.refresh_from_db()
    assert open_change.stale_asked_at is not None


@override_settings(MRM_CHANGE_REQUEST_STALE_DAYS=30)
def test_a_recent_request_is_left_alone(open_change):
    _idle(open_change, 29)
    assert jobs.ask_stale_change_requests() == 0


@override_settings(MRM_CHANGE_REQUEST_STALE_DAYS=30, MRM_CHANGE_REQUEST_WITHDRAW_DAYS=14)
def test_unconfirmed_requests_are_withdrawn_once_after_the_delay(open_change, marketer):
    _idle(open_change, 60)
    jobs.ask_stale_change_requests(now=timezone.now() - dt.timedelta(days=15))
    # when the withdrawal job runs twice
    assert tasks.withdraw_unconfirmed_change_requests_task() == 1
    assert tasks.withdraw_unconfirmed_change_requests_task() == 0
    # then the request is withdrawn by the system and the requester told once
    open_change.refresh_from_db()
    assert open_change.status == ChangeStatus.WITHDRAWN
    assert open_change.decided_by is None
    assert Notification.objects.filter(recipient=marketer, kind="withdrawn").count() == 1


@override_settings(MRM_CHANGE_REQUEST_STALE_DAYS=30, MRM_CHANGE_REQUEST_WITHDRAW_DAYS=14)
def test_a_confirmed_request_is_not_withdrawn_and_can_be_asked_again_later(open_change, marketer):
    _idle(open_change, 60)
    jobs.ask_stale_change_requests(now=timezone.now() - dt.timedelta(days=15))
    # when the requester confirms
    services.change_request_confirm(change_request=open_change, by=marketer, note="The CFO still waits for it")
    # then nothing is withdrawn and nothing asked now
    assert jobs.withdraw_unconfirmed_change_requests() == 0
    assert tasks.ask_stale_change_requests_task() == 0
    open_change.refresh_from_db()
    assert open_change.status == ChangeStatus.OPEN
    # and 31 days later it is asked again
    assert jobs.ask_stale_change_requests(now=timezone.now() + dt.timedelta(days=31)) == 1


@override_settings(MRM_CHANGE_REQUEST_STALE_DAYS=30)
def test_closed_requests_are_never_asked(acknowledged_change, admin_user):
    services.change_request_apply(change_request=acknowledged_change, by=admin_user)
    _idle(acknowledged_change, 90)
    assert jobs.ask_stale_change_requests() == 0
    with pytest.raises(StateConflict):
        services.change_request_withdraw(change_request=acknowledged_change, by=None)


def test_the_jobs_are_scheduled():
    from mrm.schedule import BEAT_SCHEDULE

    tasks_scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "changes.tasks.ask_stale_change_requests_task",
        "changes.tasks.withdraw_unconfirmed_change_requests_task",
    } <= tasks_scheduled
