"""Every write on webhooks: subscribe, edit, rotate, and the delivery of events with retries (issue 17.3).

Events arrive from ``outbox.events.publish`` inside the write that caused
them. For each active webhook subscribed to the event whose owner may read
the object (``visible_to(owner)``, through the API's own viewset), a
:class:`WebhookMessage` is written with its body, and its delivery recorded
in the outbox, all in that same transaction: a rolled-back write sends
nothing, a committed one is delivered even if the broker was down.

Delivery (:func:`message_deliver`, run by a Celery task) claims the message
with a conditional update, checks again that the owner may read the object
and that the target is still outside the company network, then POSTs once
and logs the attempt. A failure schedules the next attempt after
``RETRY_DELAYS``; the beat job ``webhooks-retry-due`` hands due ones to the
outbox. A message whose every attempt failed counts against its webhook;
``WEBHOOK_DISABLE_AFTER`` such messages in a row switch it off and tell the owner.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from notifications.choices import NotificationKind
from notifications.services import notify
from outbox.services import enqueue
from webhooks import events, signing, targets
from webhooks.choices import EventType, MessageState
from webhooks.messages import DISABLED
from webhooks.models import Webhook, WebhookDelivery, WebhookMessage
from webhooks.permissions import can_manage_webhooks

DELIVER_TASK = "webhooks.tasks.deliver_webhook_message_task"

#: After the first attempt fails: 1 min, 5 min, 30 min, 2 h, 5 h, 10 h (about 18 h, seven attempts in all).
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: How long a claimed attempt holds its message (a request times out well within it).
CLAIM = timedelta(minutes=2)
#: How long a rotated-out secret keeps signing.
PREVIOUS_SECRET_VALID = timedelta(hours=24)
USER_AGENT = "MRM-Webhooks/1"

_SUBSCRIBED_CACHE_KEY = "webhooks:subscribed-events"

logger = logging.getLogger("webhooks")


# --- subscriptions -----------------------------------------------------------------------------


def _ensure_manager(by) -> None:
    if not can_manage_webhooks(by):
        raise PermissionDenied(_("Only administrators and integration users can manage webhooks."))


def _clean(*, name: str, url: str, events_: list[str], check_url: bool = True) -> tuple[str, str, list[str]]:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the webhook a name.")
    elif len(name) > 100:
        errors["name"] = _("Keep the name under 100 characters.")
    url = (url or "").strip()
    if len(url) > 500:
        errors["url"] = _("Keep the URL under 500 characters.")
    elif check_url:
        try:
            targets.check(url)
        except targets.TargetRefused as exc:
            errors["url"] = str(exc)
    unknown = [event for event in events_ or [] if event not in EventType.values]
    if unknown:
        errors["events"] = _("Unknown events: %(events)s.") % {"events": ", ".join(map(str, unknown))}
    elif not events_:
        errors["events"] = _("Choose at least one event.")
    if errors:
        raise ValidationError(errors)
    ordered = [event for event in EventType.values if event in set(events_)]
    return name, url, ordered


def subscriptions_changed() -> None:
    cache.delete(_SUBSCRIBED_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(_SUBSCRIBED_CACHE_KEY))


def webhook_create(*, by, name: str, url: str, events: list[str], is_active: bool = True) -> Webhook:
    """Subscribe ``url`` to events on behalf of ``by``, who will own it (and whose scope it reads with).

    The URL is checked against SSRF now (and again at every delivery). The
    secret is generated here; the caller shows it once.
    """
    _ensure_manager(by)
    name, url, chosen = _clean(name=name, url=url, events_=events)
    webhook = Webhook.objects.create(
        owner=by, name=name, url=url, events=chosen, is_active=is_active, secret=signing.new_secret()
    )
    subscriptions_changed()
    return webhook


@transaction.atomic
def webhook_update(*, webhook: Webhook, by, **changes) -> Webhook:
    """Change name, URL, events or switch it on/off; switching on forgets past failures."""
    _ensure_manager(by)
    locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
    name, url, chosen = _clean(
        name=changes.get("name", locked.name),
        url=changes.get("url", locked.url),
        events_=changes.get("events", locked.events),
        check_url=changes.get("url", locked.url).strip() != locked.url,  # a new URL is checked (SSRF) again
    )
    locked.name, locked.url, locked.events = name, url, chosen
    if "is_active" in changes and bool(changes["is_active"]) != locked.is_active:
        locked.is_active = bool(changes["is_active"])
        if locked.is_active:
            locked.consecutive_failures, locked.disabled_reason = 0, ""
            # what waited while it was off is due now
            locked.messages.filter(state=MessageState.PENDING).update(next_attempt_at=timezone.now())
    locked.save()
    subscriptions_changed()
    return locked


@transaction.atomic
def webhook_rotate_secret(*, webhook: Webhook, by) -> Webhook:
    """A new secret; the old one keeps signing for 24 h so receivers can switch without losing messages."""
    _ensure_manager(by)
    locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_expires_at = timezone.now() + PREVIOUS_SECRET_VALID
    locked.secret = signing.new_secret()
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return locked


def webhook_delete(*, webhook: Webhook, by) -> None:
    """Unsubscribe: the webhook, its messages and their log go."""
    _ensure_manager(by)
    webhook.delete()
    subscriptions_changed()


# --- events ------------------------------------------------------------------------------------


def subscribed_events() -> set[str]:
    """The events some active webhook listens to (cached: a write with no subscriber costs no query)."""
    cached = cache.get(_SUBSCRIBED_CACHE_KEY)
    if cached is None:
        cached = set()
        for chosen in Webhook.objects.filter(is_active=True).values_list("events", flat=True):
            cached.update(chosen or [])
        cache.set(_SUBSCRIBED_CACHE_KEY, cached, 300)
    return set(cached)


def _render_body(event: str, data: dict, occurred_at) -> str:
    payload = {"type": event, "timestamp": occurred_at.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(payload, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def on_event(*, event: str, instance) -> list[WebhookMessage]:
    """The outbox listener: a message per subscribed webhook whose owner may read ``instance``.

    Runs inside the write's transaction. A webhook whose owner cannot read
    the object (another team's confidential campaign) gets nothing: not a
    redacted message, none at all. A webhook that cannot be prepared (a
    serializer failing on this object) is logged and skipped inside its own
    savepoint: an integration never stops the business write.
    """
    if event not in EventType.values or event not in subscribed_events():
        return []
    occurred_at = timezone.now()
    created = []
    for webhook in Webhook.objects.filter(is_active=True).select_related("owner").order_by("pk"):
        if event not in webhook.events:
            continue
        try:
            with transaction.atomic():
                message = _message_for(webhook, event, instance, occurred_at)
        except Exception:
            logger.exception("webhook %s: could not prepare %s of object %s", webhook.pk, event, instance.pk)
            continue
        if message is not None:
            created.append(message)
    return created


def _message_for(webhook: Webhook, event: str, instance, occurred_at) -> WebhookMessage | None:
    owner = webhook.owner
    with translation.override(getattr(owner, "language", "") or settings.LANGUAGE_CODE):
        data = events.payload_data(event, owner, instance.pk)
    if data is None:
        return None
    message = WebhookMessage.objects.create(
        webhook=webhook,
        event_type=event,
        object_id=instance.pk,
        body=_render_body(event, data, occurred_at),
        next_attempt_at=occurred_at,
        created_at=occurred_at,
    )
    enqueue(DELIVER_TASK, args=[message.pk])
    return message


# --- delivery ----------------------------------------------------------------------------------


def _claim(message_id: int, now) -> WebhookMessage | None:
    """Take a due message for one attempt; a second worker (or a duplicate task) finds nothing to take."""
    claimed = WebhookMessage.objects.filter(
        pk=message_id, state=MessageState.PENDING, next_attempt_at__lte=now, webhook__is_active=True
    ).update(next_attempt_at=now + CLAIM, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return WebhookMessage.objects.select_related("webhook__owner").get(pk=message_id)


def _headers(message: WebhookMessage, webhook: Webhook, now) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message.key,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            secrets=webhook.signing_secrets(now), msg_id=message.key, timestamp=timestamp, body=message.body
        ),
    }


def _logged_headers(headers: dict[str, str]) -> dict[str, str]:
    return dict(headers)  # signatures are not secrets: they are useless without the body and the key


def message_deliver(*, message_id: int, now=None) -> WebhookDelivery | None:
    """Make one attempt at a due message; return its log row (``None`` if nothing was due).

    Safe to run twice: only the run that claims the message sends. Before
    sending, the owner must still read the object and the target must still
    be outside (the address checked is the one connected to).
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    webhook = message.webhook
    headers = _headers(message, webhook, now)
    delivery = WebhookDelivery(
        message=message,
        webhook=webhook,
        attempt=message.attempts,
        url=webhook.url,
        request_headers=_logged_headers(headers),
        request_body=message.body,
        manual=message.manual,
        created_at=now,
    )
    if events.payload_data(message.event_type, webhook.owner, message.object_id) is None:
        delivery.error = _("The owner can no longer read this object; not sent.")
        return _finish(message, delivery, now=now, give_up=True)
    try:
        target = targets.check(webhook.url)
    except targets.TargetRefused as exc:
        delivery.error = str(exc)[:500]
        return _finish(message, delivery, now=now)
    answer = targets.post(target, body=message.body.encode(), headers=headers)
    delivery.response_status = answer.status
    delivery.response_body = answer.body
    delivery.duration_ms = answer.duration_ms
    delivery.error = answer.error[:500]
    delivery.succeeded = answer.ok
    return _finish(message, delivery, now=now)


@transaction.atomic
def _finish(message: WebhookMessage, delivery: WebhookDelivery, *, now, give_up: bool = False) -> WebhookDelivery:
    """Log the attempt and move the message on: delivered, retried later, or failed for good."""
    delivery.save()
    webhook = Webhook.objects.select_for_update().get(pk=message.webhook_id)
    if delivery.succeeded:
        WebhookMessage.objects.filter(pk=message.pk).update(
            state=MessageState.DELIVERED, delivered_at=now, next_attempt_at=None, manual=False
        )
        if webhook.consecutive_failures:
            webhook.consecutive_failures = 0
            webhook.save(update_fields=["consecutive_failures"])
        return delivery
    if message.manual or give_up or message.attempts >= MAX_ATTEMPTS:
        WebhookMessage.objects.filter(pk=message.pk).update(
            state=MessageState.FAILED, next_attempt_at=None, manual=False
        )
        if not message.manual:
            _count_failure(webhook)
        return delivery
    WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=now + RETRY_DELAYS[message.attempts - 1])
    return delivery


def _count_failure(webhook: Webhook) -> None:
    """One more message whose every attempt failed; enough in a row switch the webhook off."""
    webhook.consecutive_failures += 1
    fields = ["consecutive_failures"]
    limit = settings.WEBHOOK_DISABLE_AFTER
    if webhook.is_active and webhook.consecutive_failures >= limit:
        webhook.is_active = False
        webhook.disabled_reason = _("Every retry of %(count)s messages in a row failed.") % {"count": limit}
        fields += ["is_active", "disabled_reason"]
        from django.urls import reverse

        notify(
            recipients=[webhook.owner],
            kind=NotificationKind.OTHER,
            message=DISABLED,
            params={"name": webhook.name, "url": webhook.url, "count": str(limit)},
            url=reverse("webhooks:detail", args=[webhook.pk]),
            subject_key=f"webhooks.disabled:{webhook.pk}",
        )
        subscriptions_changed()
    webhook.save(update_fields=fields)


def message_redeliver(*, message: WebhookMessage, by) -> WebhookMessage:
    """Send a delivered or failed message once more, now, with the same ``webhook-id`` and body.

    A redelivery that fails does not count against the webhook (its owner is
    testing a fix), and a webhook that is off is not sent to.
    """
    _ensure_manager(by)
    with transaction.atomic():
        locked = WebhookMessage.objects.select_for_update().select_related("webhook").get(pk=message.pk)
        if not locked.webhook.is_active:
            from mrm.exceptions import StateConflict

            raise StateConflict(_("Enable the webhook before redelivering its messages."))
        if locked.state == MessageState.PENDING:
            from mrm.exceptions import StateConflict

            raise StateConflict(_("This message is still being delivered; wait for its next attempt."))
        locked.state, locked.manual, locked.next_attempt_at = MessageState.PENDING, True, timezone.now()
        locked.save(update_fields=["state", "manual", "next_attempt_at"])
        enqueue(DELIVER_TASK, args=[locked.pk])
    return locked


def retry_due(*, now=None) -> int:
    """Hand every due pending message of an active webhook to the outbox (the beat job; safe to overlap)."""
    now = now or timezone.now()
    due = list(
        WebhookMessage.objects.filter(
            state=MessageState.PENDING, next_attempt_at__lte=now, webhook__is_active=True
        ).values_list("pk", flat=True)[:500]
    )
    with transaction.atomic():
        for pk in due:
            enqueue(DELIVER_TASK, args=[pk], dedupe_key=f"webhooks.deliver:{pk}")
    return len(due)
