"""States of an outbox message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    """``pending → dispatched``, or ``failed`` when it can never be delivered.

    Pending: recorded, not yet accepted by the broker (or, in the embedded
    default, not yet run successfully in-process). Dispatched: the broker took
    it (or it ran). Failed: the task name is unknown, or in-process it kept
    failing ``MRM_OUTBOX_MAX_ATTEMPTS`` times; an admin may retry it.
    """

    PENDING = "pending", _("Pending")
    DISPATCHED = "dispatched", _("Dispatched")
    FAILED = "failed", _("Failed")
