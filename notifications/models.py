"""Notifications: one row per recipient, read or unread, optionally e-mailed (PRODUCT.md §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import KIND_BADGE, NotificationKind
from notifications.querysets import NotificationQuerySet


class Notification(models.Model):
    """Something a person should know or act on, with a link to the place to act.

    ``dedupe_key`` makes periodic jobs idempotent: a job that runs twice asks
    for the same key and the unique constraint lets only one row exist per
    recipient. ``emailed_at`` marks the e-mail as sent, so a retried task
    sends nothing twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices, default=NotificationKind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_unique_recipient_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_badge(self) -> str:
        return KIND_BADGE.get(self.kind, "bg-secondary-lt")

    @property
    def absolute_url(self) -> str:
        """The deep link for e-mails: the configured base address plus the path."""
        if not self.url:
            return settings.MRM_BASE_URL + "/"
        if self.url.startswith(("http://", "https://")):
            return self.url
        return settings.MRM_BASE_URL + self.url
