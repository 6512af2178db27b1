"""Every write on notifications: create (and queue the e-mail), mark read.

Other apps call :func:`notify`; it writes the rows inside the caller's
transaction and queues the e-mails with ``transaction.on_commit``, so a
rolled-back decision never mails anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from notifications.models import Notification


def _render(text, language: str) -> str:
    """Text in the recipient's language: a callable is evaluated under that language."""
    with translation.override(language):
        value = text() if callable(text) else text
        return str(value or "")


def recipient_language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str | Callable[[], str],
    body: str | Callable[[], str] = "",
    url: str = "",
    actor=None,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell people something, in the bell and by e-mail with a deep link.

    ``title`` and ``body`` may be callables: they are evaluated once per
    recipient under that person's language, so a Russian reader gets Russian.
    The actor is never notified of their own action. With a ``dedupe_key``
    a recipient who already has that key gets nothing new: periodic jobs
    pass one so that running twice sends nothing twice (the unique
    constraint holds it even when two jobs race).
    """
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
        language = recipient_language(recipient)
        notification = Notification(
            recipient=recipient,
            kind=kind,
            title=_render(title, language)[:255],
            body=_render(body, language),
            url=url,
            actor=actor,
            dedupe_key=dedupe_key,
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # the same key was written meanwhile by a concurrent job
            continue
        created.append(notification)
        if email and recipient.email:
            transaction.on_commit(_queue_email(notification.pk))
    return created


def _queue_email(notification_id: int):
    def queue():
        from notifications.tasks import send_notification_email_task

        send_notification_email_task.delay(notification_id)

    return queue


@transaction.atomic
def notification_send_email(*, notification_id: int) -> bool:
    """Send a notification's e-mail once; ``emailed_at`` makes a retry a no-op.

    Returns whether a mail was sent. The row is locked so two workers running
    the same task cannot both send.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    notification = (
        Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return False
    with translation.override(recipient_language(notification.recipient)):
        context = {"notification": notification, "link": notification.absolute_url}
        text = render_to_string("notifications/email.txt", context)
    send_mail(
        subject=notification.title,
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
