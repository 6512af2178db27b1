"""Notifications that stay true (PRODUCT.md §5): "waiting for your decision" stops counting once it no longer waits.

Whatever closes a stage for someone — a decision (theirs or another's), a
withdrawal, a handover, the end of a stand-in period — resolves their notices
of it in the same transaction, and the bell counts only what is still to do.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import user_handover
from approvals import tasks
from approvals.choices import StageMode
from approvals.models import StageState
from approvals.services import (
    approval_cancel,
    approval_confirm_needed,
    approval_decide,
    approval_submit,
    delegation_create,
    delegation_end,
)
from notifications.models import Notification
from tests.approvals.conftest import KIND
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def read_in_english():
    """What a test reads without a request is read in English (a page earlier in the run may have left Russian on)."""
    with translation.override("en"):
        yield


def waiting_for(user):
    """The user's "waiting for your decision" notices and reminders that are still open."""
    return Notification.objects.filter(recipient=user, subject_key__startswith="approvals.stage:", resolved_at=None)


def bell(client, user) -> int:
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    if 'data-testid="notification-count">' not in html:
        return 0
    return int(html.split('data-testid="notification-count">')[1].split("<")[0])


@pytest.fixture
def deputy(db):
    return UserFactory(username="deputy", roles=["approver"])


@pytest.fixture
def all_stage_request(subjects, marketer, team, legal, approver):
    """One stage where legal and the CMO must both approve."""
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, name="Both", mode=StageMode.ALL, approvers=[legal, approver])
    return approval_submit(subject=team, kind=KIND, by=marketer)


def test_a_decision_resolves_the_stage_notices_of_everyone_it_went_to(
    client, subjects, marketer, team, legal, approver
):
    # given an "any" stage sent to legal and the CMO
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, name="Either", approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    assert bell(client, approver) == 1
    # when legal decides
    approval_decide(request=request, by=legal, outcome="approve")
    # then the CMO's notice is resolved too, saying who decided, and the CMO's bell is empty
    notice = Notification.objects.get(recipient=approver)
    assert notice.resolved_at is not None and notice.read_at is None
    assert notice.resolution == f"Decided by {legal.full_name}: approved"
    assert bell(client, approver) == 0
    assert waiting_for(legal).count() == 0


def test_the_next_stage_starts_with_a_fresh_notice_and_the_old_one_is_done(client, open_request, legal, approver):
    approval_decide(request=open_request, by=legal, outcome="approve")
    assert waiting_for(legal).count() == 0
    assert list(waiting_for(approver).values_list("message_key", flat=True)) == ["approvals.waiting"]
    assert bell(client, approver) == 1


def test_in_an_all_stage_only_the_decider_is_done_and_the_others_still_wait(client, all_stage_request, legal, approver):
    # when legal approves an "all" stage
    approval_decide(request=all_stage_request, by=legal, outcome="approve")
    # then legal's notice is done, the CMO's still waits
    assert waiting_for(legal).count() == 0
    assert waiting_for(approver).count() == 1
    assert bell(client, approver) == 1
    # and when the CMO approves, nothing waits on anyone
    approval_decide(request=all_stage_request, by=approver, outcome="approve")
    assert Notification.objects.filter(subject_key__startswith="approvals.stage:", resolved_at=None).count() == 0


def test_a_stand_ins_copy_is_resolved_when_the_approver_decides(open_request, legal, deputy):
    # given a deputy standing in for legal today, told of the stage as it starts
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=deputy, starts_on=today, ends_on=today)
    overdue = StageState.objects.filter(pk=open_request.current_stage_id)
    overdue.update(due_at=timezone.now() - dt.timedelta(hours=1))
    tasks.send_stage_reminders_task.apply()  # the reminder reaches legal and the deputy
    assert waiting_for(deputy).count() == 1
    # when legal decides in person
    approval_decide(request=open_request, by=legal, outcome="approve")
    # then the deputy's reminder is done too
    assert waiting_for(deputy).count() == 0
    assert waiting_for(legal).count() == 0


def test_in_an_all_stage_a_stand_in_decision_closes_both_names_notices(all_stage_request, legal, approver, deputy):
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=deputy, starts_on=today, ends_on=today)
    StageState.objects.filter(pk=all_stage_request.current_stage_id).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    tasks.send_stage_reminders_task.apply()
    # when the deputy decides for legal
    approval_decide(request=all_stage_request, by=deputy, outcome="approve")
    # then legal and the deputy are done, the CMO still has to decide
    assert waiting_for(legal).count() == 0
    assert waiting_for(deputy).count() == 0
    assert waiting_for(approver).count() == 2  # the start notice and the reminder
    resolved = Notification.objects.filter(recipient=legal, resolved_at__isnull=False).first()
    assert resolved.resolution == f"Decided by {deputy.full_name} for {legal.full_name}: approved"


def test_withdrawing_resolves_every_waiting_notice_and_the_still_needed_question(open_request, marketer, legal):
    # given legal waits and the submitter was asked whether it is still needed
    ApprovalRequestModel = type(open_request)
    ApprovalRequestModel.objects.filter(pk=open_request.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=400)
    )
    tasks.ask_stale_requests_task.apply()
    assert Notification.objects.filter(recipient=marketer, kind="stale_check", resolved_at=None).count() == 1
    # when the submitter withdraws it
    approval_cancel(request=open_request, by=marketer, note="Not needed any more")
    # then nothing about it waits on anyone
    notice = Notification.objects.get(recipient=legal)
    assert notice.resolution == f"Withdrawn by {marketer.full_name}"
    assert not Notification.objects.filter(resolved_at=None, subject_key__startswith="approvals.").exists()


def test_confirming_still_needed_resolves_the_question(open_request, marketer):
    type(open_request).objects.filter(pk=open_request.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=400)
    )
    tasks.ask_stale_requests_task.apply()
    approval_confirm_needed(request=open_request, by=marketer, note="Launch moved, still needed")
    question = Notification.objects.get(recipient=marketer, kind="stale_check")
    assert question.resolution == "Confirmed still needed"


def test_the_automatic_withdrawal_is_resolved_and_its_note_reads_in_the_readers_language(
    client, open_request, marketer, legal, settings
):
    type(open_request).objects.filter(pk=open_request.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=400),
        stale_asked_at=timezone.now() - dt.timedelta(days=settings.MRM_APPROVAL_WITHDRAW_DAYS + 1),
    )
    tasks.withdraw_unconfirmed_requests_task.apply()
    assert waiting_for(legal).count() == 0
    assert Notification.objects.get(recipient=legal).resolution == "Withdrawn automatically"
    # the request's closing note is a key: Russian for a Russian reader
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    client.force_login(marketer)
    html = client.get(open_request.get_absolute_url()).content.decode()
    assert "Отозван автоматически: никто не подтвердил, что он всё ещё нужен." in html


def test_a_handover_resolves_the_leavers_notices_and_names_the_new_approver(open_request, legal, admin_user):
    successor = UserFactory(username="successor", roles=["approver"])
    # when legal hands the open stage over
    user_handover(user=legal, by=admin_user, to_user=successor)
    # then legal's notice is done, saying to whom it went
    notice = Notification.objects.get(recipient=legal, subject_key__startswith="approvals.stage:")
    assert notice.resolution == f"Handed over to {successor.full_name}"
    assert waiting_for(legal).count() == 0


def test_a_handover_of_a_stand_in_resolves_their_copy(open_request, legal, deputy, admin_user):
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=deputy, starts_on=today, ends_on=today)
    StageState.objects.filter(pk=open_request.current_stage_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    tasks.send_stage_reminders_task.apply()
    successor = UserFactory(username="successor2", roles=["approver"])
    user_handover(user=deputy, by=admin_user, to_user=successor)
    assert waiting_for(deputy).count() == 0
    assert waiting_for(legal).count() == 2  # legal still decides: the start notice and the reminder


def test_ending_a_stand_in_period_resolves_the_stand_ins_copies(open_request, legal, deputy):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    delegation = delegation_create(
        by=legal, stand_in=deputy, starts_on=timezone.localdate(), ends_on=yesterday + dt.timedelta(days=5)
    )
    type(delegation).objects.filter(pk=delegation.pk).update(starts_on=yesterday)
    delegation.refresh_from_db()
    StageState.objects.filter(pk=open_request.current_stage_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    tasks.send_stage_reminders_task.apply()
    assert waiting_for(deputy).count() == 1
    # when legal is back early and ends the period
    delegation_end(delegation=delegation, by=legal)
    # then the deputy's copy is done; legal's still waits
    notice = Notification.objects.get(recipient=deputy, subject_key__startswith="approvals.stage:")
    assert notice.resolution == f"You no longer stand in for {legal.full_name}"
    assert waiting_for(legal).count() == 2


def test_the_bell_counts_one_while_one_waits_however_many_were_decided(client, subjects, marketer, legal):
    """The finding: 8 unread "waiting for your decision" while one item waited."""
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, name="Legal", approvers=[legal])
    requests = []
    for index in range(4):
        team = TeamFactory(name=f"Team {index}")
        requests.append(approval_submit(subject=team, kind=KIND, by=marketer))
    for request in requests[:3]:
        approval_decide(request=request, by=legal, outcome="approve")
    assert bell(client, legal) == 1
