"""The periodic jobs of approvals: reminders, escalation, stale requests (PRODUCT.md §5).

Each job is safe to run twice: it selects only rows without its marker
(``reminded_at``, ``escalated_at``, ``stale_asked_at``), sets the marker in
the same transaction, locks the row while doing so (``mrm.jobs.each_locked``),
and passes a dedupe key to ``notify`` as a second guard. Delays come from settings (``.env.example``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from approvals import messages, notices
from approvals.choices import RequestStatus, StageStatus
from approvals.models import ApprovalRequest, Delegation, StageState
from mrm.exceptions import StateConflict
from mrm.jobs import each_locked
from mrm.messages import note
from notifications.choices import NotificationKind
from notifications.services import notify


def send_stage_reminders(*, now=None) -> int:
    """Remind the approvers (and stand-ins) of every open stage past its due time, once per stage."""
    now = now or timezone.now()
    overdue = StageState.objects.filter(
        status=StageStatus.IN_PROGRESS,
        request__status=RequestStatus.IN_PROGRESS,
        due_at__lt=now,
        reminded_at__isnull=True,
    ).select_related("request")
    sent = 0
    for state in each_locked(overdue):
        request = state.request
        waiting = [a.user for a in state.assignments.filter(decided=False).select_related("user")]
        stand_ins = [
            d.stand_in for d in Delegation.objects.current().filter(approver__in=waiting).select_related("stand_in")
        ]
        notify(
            recipients=[*waiting, *stand_ins],
            kind=NotificationKind.REMINDER,
            message=messages.REMINDER,
            params={"subject": request.subject_title, "stage": state.name, "due": state.due_at},
            url=request.get_absolute_url(),
            subject_key=notices.stage_key(state.pk),
            dedupe_key=f"approvals:reminder:{state.pk}",
        )
        state.reminded_at = now
        state.save(update_fields=["reminded_at"])
        sent += 1
    return sent


def escalate_overdue_stages(*, now=None) -> int:
    """Tell a stage's escalation contact once it is overdue by more than the escalation delay."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MRM_APPROVAL_ESCALATION_DAYS)
    overdue = StageState.objects.filter(
        status=StageStatus.IN_PROGRESS,
        request__status=RequestStatus.IN_PROGRESS,
        due_at__lt=limit,
        escalated_at__isnull=True,
        stage__escalation_contact__isnull=False,
    ).select_related("request", "stage__escalation_contact")
    sent = 0
    for state in each_locked(overdue):
        request = state.request
        waiting = [a.user.full_name for a in state.assignments.filter(decided=False).select_related("user")]
        notify(
            recipients=[state.stage.escalation_contact],
            kind=NotificationKind.ESCALATION,
            message=messages.ESCALATION,
            params={
                "subject": request.subject_title,
                "stage": state.name,
                "due": state.due_at,
                "waiting": waiting or ["—"],
            },
            url=request.get_absolute_url(),
            subject_key=notices.escalation_key(state.pk),
            dedupe_key=f"approvals:escalation:{state.pk}",
        )
        state.escalated_at = now
        state.save(update_fields=["escalated_at"])
        sent += 1
    return sent


def ask_stale_requests(*, now=None) -> int:
    """Ask the submitter of each idle open request whether it is still needed, and why (PRODUCT.md §1)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MRM_APPROVAL_STALE_DAYS)
    idle = ApprovalRequest.objects.filter(
        status=RequestStatus.IN_PROGRESS, last_activity_at__lt=limit, stale_asked_at__isnull=True
    ).select_related("submitted_by")
    sent = 0
    for request in each_locked(idle):
        withdraw_on = now + datetime.timedelta(days=settings.MRM_APPROVAL_WITHDRAW_DAYS)
        notify(
            recipients=[request.submitted_by],
            kind=NotificationKind.STALE_CHECK,
            message=messages.STALE_CHECK,
            params={
                "subject": request.subject_title,
                "days": settings.MRM_APPROVAL_STALE_DAYS,
                "date": timezone.localtime(withdraw_on).date(),
            },
            url=reverse("approvals:confirm", args=[request.pk]),
            subject_key=notices.request_key(request.pk),
            dedupe_key=f"approvals:stale:{request.pk}:{request.last_activity_at:%Y%m%d%H%M%S}",
        )
        request.stale_asked_at = now
        request.save(update_fields=["stale_asked_at"])
        sent += 1
    return sent


def withdraw_unconfirmed_requests(*, now=None) -> int:
    """Withdraw (cancel) requests whose submitter did not confirm them within the delay."""
    from approvals.services import approval_cancel

    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MRM_APPROVAL_WITHDRAW_DAYS)
    unconfirmed = ApprovalRequest.objects.filter(
        status=RequestStatus.IN_PROGRESS, stale_asked_at__lt=limit
    ).select_related("submitted_by")
    withdrawn = 0
    for request in each_locked(unconfirmed):
        try:
            approval_cancel(request=request, by=None, system_note=note(messages.NOTE_WITHDRAWN_UNCONFIRMED))
        except StateConflict:
            continue
        notify(
            recipients=[request.submitted_by],
            kind=NotificationKind.WITHDRAWN,
            message=messages.WITHDRAWN,
            params={"subject": request.subject_title},
            url=request.get_absolute_url(),
            dedupe_key=f"approvals:withdrawn:{request.pk}",
        )
        withdrawn += 1
    return withdrawn
