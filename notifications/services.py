"""Every write on notifications: create (and queue the e-mail), mark read.

Other apps call :func:`notify`; it writes the rows inside the caller's
transaction and records their e-mails in the outbox in that same
transaction, so a rolled-back decision never mails anyone and a committed
one mails even if the broker was down when it committed.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from mrm.messages import clean_params, is_registered, render
from notifications.models import Notification
from outbox.services import enqueue

EMAIL_TASK = "notifications.tasks.send_notification_email_task"


def recipient_language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _recipient_zone(user):
    name = getattr(user, "time_zone", "") or ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def notify(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    params: Mapping | None = None,
    url: str = "",
    actor=None,
    subject_key: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell people something, in the bell and by e-mail with a deep link.

    ``message`` is a registered key (``mrm.messages``) and ``params`` its
    JSON parameters: the text is rendered whenever it is read, in the
    reader's language, so a notification caused by someone working in
    English reads in Russian for a Russian recipient. The text as first
    rendered for the recipient is kept too (search, admin, fallback).
    ``subject_key`` names what the recipient is asked to act on, so the app
    can resolve it later (:func:`notifications_resolve`).

    The actor is never notified of their own action. With a ``dedupe_key``
    a recipient who already has that key gets nothing new: periodic jobs
    pass one so that running twice sends nothing twice (the unique
    constraint holds it even when two jobs race).
    """
    if not is_registered(message):
        raise ValueError(f"Unknown message key {message!r}: register it in its app's messages module.")
    data = clean_params(params)
    created: list[Notification] = []
    seen: set[int] = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen or not recipient.is_active:
            continue
        seen.add(recipient.pk)
        if actor is not None and recipient.pk == actor.pk:
            continue
        if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
            continue
        with translation.override(recipient_language(recipient)):
            first = render(message, data)
        notification = Notification(
            recipient=recipient,
            kind=kind,
            message_key=message,
            params=data,
            title=first.title[:255],
            body=first.body,
            url=url,
            actor=actor,
            subject_key=subject_key,
            dedupe_key=dedupe_key,
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # the same key was written meanwhile by a concurrent job
            continue
        created.append(notification)
        if email and recipient.email:
            enqueue(EMAIL_TASK, args=[notification.pk])
    return created


def notifications_resolve(
    *,
    subject_key: str,
    reason: str,
    params: Mapping | None = None,
    recipients: Iterable[int] | None = None,
    keep: Iterable[int] = (),
) -> int:
    """Resolve the open notifications about ``subject_key``: they no longer ask anything of their readers.

    Called by the app that owns the subject, inside the transaction that
    decided, withdrew or handed it over, so the bell never counts work that
    is done. ``reason`` is a message key saying why (``Decided by …``),
    shown on the notifications page. ``recipients`` limits it to some user
    ids; ``keep`` spares the people who still have to act (the other
    approvers of an ``all`` stage). Returns how many were resolved.
    """
    if not subject_key:
        return 0
    open_ones = Notification.objects.filter(subject_key=subject_key, resolved_at__isnull=True)
    if recipients is not None:
        open_ones = open_ones.filter(recipient_id__in=list(recipients))
    keep = list(keep)
    if keep:
        open_ones = open_ones.exclude(recipient_id__in=keep)
    return open_ones.update(resolved_at=timezone.now(), resolution_key=reason, resolution_params=clean_params(params))


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Send a notification's e-mail once; ``emailed_at`` makes a retry a no-op.

    Written in the recipient's language and time zone, with a plain-text
    body (a Markdown answer arrives as text, not as markup). A notification
    resolved before its e-mail left is not sent. Returns whether a mail was
    sent. The row is locked so two workers running the same task cannot
    both send.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    notification = (
        Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return False
    if notification.resolved_at is not None:
        return False  # decided or withdrawn before the mail left: asking now would be wrong
    recipient = notification.recipient
    zone = _recipient_zone(recipient)
    with translation.override(recipient_language(recipient)), timezone.override(zone):
        rendered = notification.rendered
        context = {"notification": notification, "rendered": rendered, "link": notification.absolute_url}
        text = render_to_string("notifications/email.txt", context)
    send_mail(
        subject=rendered.title.replace("\n", " ")[:255],
        message=text,
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, notification: Notification, by) -> Notification:
    """Mark one of one's own notifications read (idempotent: the first time counts)."""
    updated = Notification.objects.filter(pk=notification.pk, recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, by) -> int:
    """Mark every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())
