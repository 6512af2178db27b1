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
from django.utils.translation import gettext as _

from changes.choices import ChangeStatus
from changes.models import ChangeRequest
from mrm.exceptions import StateConflict
from mrm.jobs import each_locked
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
            title=lambda c=change: _("Still needed? %(target)s") % {"target": c.target_label},
            body=lambda w=withdraw_on: (
                _(
                    "Your change request has had no activity for %(days)s days. Confirm it is still needed "
                    "and say why, or it will be withdrawn on %(date)s."
                )
                % {"days": settings.MRM_CHANGE_REQUEST_STALE_DAYS, "date": w.date().isoformat()}
            ),
            url=f"{change.get_absolute_url()}#confirm",
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
                change_request=change,
                by=None,
                note=_("Withdrawn automatically: nobody confirmed it was still needed."),
            )
        except StateConflict:
            continue
        notify(
            recipients=[change.requested_by],
            kind=NotificationKind.WITHDRAWN,
            title=lambda c=change: _("Withdrawn: %(target)s") % {"target": c.target_label},
            body=lambda: _("Your change request was withdrawn because nobody confirmed it was still needed."),
            url=change.get_absolute_url(),
            dedupe_key=f"changes:withdrawn:{change.pk}",
        )
        withdrawn += 1
    return withdrawn
