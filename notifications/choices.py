from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about; decisions and comments are kept apart on purpose (§5)."""

    REQUEST_SUBMITTED = "request_submitted", _("Waiting for your decision")
    DECISION = "decision", _("Decision")
    COMMENT = "comment", _("Comment (not a decision)")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")
    STALE_CHECK = "stale_check", _("Still needed?")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OTHER = "other", _("Other")


KIND_BADGE = {
    NotificationKind.REQUEST_SUBMITTED: "bg-blue-lt",
    NotificationKind.DECISION: "bg-green-lt",
    NotificationKind.COMMENT: "bg-secondary-lt",
    NotificationKind.REMINDER: "bg-yellow-lt",
    NotificationKind.ESCALATION: "bg-red-lt",
    NotificationKind.STALE_CHECK: "bg-orange-lt",
    NotificationKind.WITHDRAWN: "bg-dark-lt",
    NotificationKind.OTHER: "bg-secondary-lt",
}
