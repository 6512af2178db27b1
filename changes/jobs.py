"""The periodic jobs of change requests: "still needed, and why?" (PRODUCT.md §1, §7).

The same behaviour as approval requests (``approvals.jobs``): an open change
request without activity for ``MRM_CHANGE_REQUEST_STALE_DAYS`` asks its
requester to confirm it is still needed and why; one still unconfirmed
``MRM_CHANGE_REQUEST_WITHDRAW_DAYS`` after the question is withdrawn. Each job
is safe to run twice: it selects only rows without its marker
(``stale_asked_at``), sets the marker in the same transaction with the row
locked (``mrm.jobs.each_locked``), and passes a dedupe key to ``notify`` as a second guard.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from changes import messages
from changes.choices import ChangeStatus
from changes.models import ChangeRequest
from mrm.exceptions import StateConflict
from mrm.jobs import each_locked
from mrm.messages import note
from notifications.choices import NotificationKind
from notifications.services import notify


def ask_stale_change_requests(*, now=None) -> int:
    """Ask the requester of each idle open change request whether it is still needed, and why."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MRM_CHANGE_REQUEST_STALE_DAYS)
    idle = ChangeRequest.objects.filter(
        status=ChangeStatus.OPEN, last_activity_at__lt=limit, stale_asked_at__isnull=True
    ).select_related("requested_by", "workflow_template", "expense_category")
    sent = 0
    for change in each_locked(idle):
        withdraw_on = timezone.localtime(now + datetime.timedelta(days=settings.MRM_CHANGE_REQUEST_WITHDRAW_DAYS))
        notify(
            recipients=[change.requested_by],
            kind=NotificationKind.STALE_CHECK,
            message=messages.STALE_CHECK,
            params={
                **messages.target_params(change),
                "days": settings.MRM_CHANGE_REQUEST_STALE_DAYS,
                "date": withdraw_on.date(),
            },
            url=f"{change.get_absolute_url()}#confirm",
            subject_key=messages.stale_key(change.pk),
            dedupe_key=f"changes:stale:{change.pk}:{change.last_activity_at:%Y%m%d%H%M%S}",
        )
        change.stale_asked_at = now
        change.save(update_fields=["stale_asked_at"])
        sent += 1
    return sent


def withdraw_unconfirmed_change_requests(*, now=None) -> int:
    """Withdraw change requests whose requester did not confirm them within the delay."""
    from changes.services import change_request_withdraw

    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.MRM_CHANGE_REQUEST_WITHDRAW_DAYS)
    unconfirmed = ChangeRequest.objects.filter(status=ChangeStatus.OPEN, stale_asked_at__lt=limit).select_related(
        "requested_by"
    )
    withdrawn = 0
    for change in each_locked(unconfirmed):
        try:
            change_request_withdraw(
                change_request=change, by=None, system_note=note(messages.NOTE_WITHDRAWN_UNCONFIRMED)
            )
        except StateConflict:
            continue
        notify(
            recipients=[change.requested_by],
            kind=NotificationKind.WITHDRAWN,
            message=messages.WITHDRAWN,
            params=messages.target_params(change),
            url=change.get_absolute_url(),
            dedupe_key=f"changes:withdrawn:{change.pk}",
        )
        withdrawn += 1
    return withdrawn
