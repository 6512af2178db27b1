"""The outbox: one row per side effect a write asked for, kept until the broker took it."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.choices import MessageState


class Message(models.Model):
    """A Celery task to run after a write, recorded in the write's own transaction.

    A rolled-back write leaves no message; a committed one keeps its message
    until the relay has handed it to the broker, however long the broker is
    down. ``key`` is the Celery task id of every dispatch, so a consumer can
    recognise a redelivery. ``dedupe_key`` lets a sweeper ask for a job again
    without piling up copies while the first is still pending.
    """

    key = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state=MessageState.PENDING) & ~Q(dedupe_key=""),
                name="outbox_one_pending_per_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} · {self.get_state_display()}"
