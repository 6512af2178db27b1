"""Outgoing webhooks: subscriptions, the messages they are owed, and every delivery attempt (issue 17.3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webhooks.choices import STATE_BADGE, EventType, MessageState
from webhooks.querysets import WebhookDeliveryQuerySet, WebhookMessageQuerySet, WebhookQuerySet


def new_message_key() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Webhook(models.Model):
    """A URL subscribed to events by its owner, who must be allowed to read every object it is sent.

    The secret signs every request (Standard Webhooks); after a rotation the
    previous secret keeps signing too until ``previous_secret_expires_at``.
    ``consecutive_failures`` counts messages in a row whose every retry
    failed; at ``WEBHOOK_DISABLE_AFTER`` the webhook is switched off and its
    owner told.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failed messages in a row"), default=0)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a request now: the current one, and the previous one while it is still valid."""
        now = now or timezone.now()
        valid = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            valid.append(self.previous_secret)
        return valid

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookMessage(models.Model):
    """One event owed to one webhook: its ``webhook-id`` (``key``) and body stay the same on every attempt."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="messages", verbose_name=_("webhook"))
    key = models.CharField(_("message id"), max_length=40, unique=True, default=new_message_key, editable=False)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=12, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    manual = models.BooleanField(_("redelivery asked"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = WebhookMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_message_due")]

    def __str__(self) -> str:
        return f"{self.key} · {self.event_type}"

    @property
    def state_badge(self) -> str:
        return STATE_BADGE.get(self.state, "bg-secondary-lt")


class WebhookDelivery(models.Model):
    """One attempt to deliver a message: what was sent, what came back, how long it took."""

    message = models.ForeignKey(
        WebhookMessage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook"))
    attempt = models.PositiveIntegerField(_("attempt"))
    url = models.URLField(_("URL"), max_length=500)
    request_headers = models.JSONField(_("headers sent"), default=dict, blank=True)
    request_body = models.TextField(_("request body"), blank=True)
    response_status = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    response_body = models.TextField(_("response body (excerpt)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    manual = models.BooleanField(_("redelivery"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.message_id} #{self.attempt} · {self.response_status or self.error}"
