"""Notifications: one row per recipient, read or unread, optionally e-mailed (PRODUCT.md §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mrm.messages import Rendered, render
from notifications.choices import KIND_BADGE, NotificationKind
from notifications.querysets import NotificationQuerySet


class Notification(models.Model):
    """Something a person should know or act on, with a link to the place to act.

    What it says is stored as a message key with parameters
    (``mrm.messages``) and rendered when read, in the reader's language;
    ``title`` and ``body`` keep the text as first rendered for the
    recipient, which the admin searches and which shows when the key is
    gone (rows from before keys existed have only those).

    ``subject_key`` names what it asks the recipient to act on
    (``"approvals.stage:12"``): once that is decided, withdrawn or handed
    over, the app resolves every open notification about it for everyone
    (``resolved_at`` with a reason, itself a key), and the bell stops
    counting it.

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
    message_key = models.CharField(_("message"), max_length=100, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
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
    subject_key = models.CharField(_("about"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_key = models.CharField(_("resolution"), max_length=100, blank=True)
    resolution_params = models.JSONField(_("resolution parameters"), default=dict, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(
                fields=["subject_key"],
                condition=Q(resolved_at__isnull=True) & ~Q(subject_key=""),
                name="notif_open_by_subject",
            ),
        ]
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
    def rendered(self) -> Rendered:
        """What it says in the active language (computed once per language and row, no query)."""
        reader = (translation.get_language() or settings.LANGUAGE_CODE, timezone.get_current_timezone_name())
        cache = self.__dict__.setdefault("_rendered", {})
        if reader not in cache:
            kept = Rendered(self.title, self.body)
            cache[reader] = render(self.message_key, self.params, fallback=kept) if self.message_key else kept
        return cache[reader]

    @property
    def display_title(self) -> str:
        return self.rendered.title

    @property
    def display_body(self) -> str:
        return self.rendered.body

    @property
    def body_html(self):
        return self.rendered.body_html

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_to_do(self) -> bool:
        """What the bell counts: neither read nor resolved."""
        return self.read_at is None and self.resolved_at is None

    @property
    def resolution(self) -> str:
        """Why it no longer needs the reader (``Decided by Anna Petrova: approved``), in the active language."""
        if self.resolved_at is None:
            return ""
        if not self.resolution_key:
            return str(_("Done"))
        return render(self.resolution_key, self.resolution_params, fallback=Rendered(str(_("Done")))).title

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
