"""Every write of the outbox: record a side effect with the write, retry a failed one.

Apps call :func:`enqueue` inside the transaction of the write that causes
the side effect, instead of ``transaction.on_commit(lambda: task.delay(...))``:

- a rolled-back write records nothing, so nothing is sent for it;
- a committed write always has its message, even if the broker is down at
  that moment: the relay hands it over once the broker answers again;
- right after the commit the message is dispatched at once (in the embedded
  default the task then runs in-process, as before), so a healthy system
  is as fast as with ``.delay()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from outbox import relay
from outbox.choices import MessageState
from outbox.models import Message


def enqueue(
    task,
    *,
    args: Iterable = (),
    kwargs: Mapping | None = None,
    dedupe_key: str = "",
) -> Message:
    """Record that ``task`` must run with these arguments once this transaction commits.

    ``task`` is a Celery task or its registered name; an unknown name is a
    programming error and raises ``ValueError`` here, in the write, not later
    in a worker. Arguments are JSON data (ids, never model instances).

    With a ``dedupe_key``, a message with the same key that is still pending
    is returned instead of a new one: a sweeper asking for a stuck job again
    does not pile up copies while the broker is down.
    """
    name = relay.task_name(task)
    if relay.resolve_task(name) is None:
        raise ValueError(f"Unknown Celery task {name!r}: the outbox can only record registered tasks.")
    args, kwargs = list(args), dict(kwargs or {})
    try:
        json.dumps([args, kwargs])
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Outbox arguments of {name} must be JSON data (ids, not objects): {exc}") from exc
    if dedupe_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key, state=MessageState.PENDING).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            message = Message.objects.create(task=name, args=args, kwargs=kwargs, dedupe_key=dedupe_key)
    except IntegrityError:  # the same key was recorded meanwhile by a concurrent sweep
        existing = Message.objects.filter(dedupe_key=dedupe_key, state=MessageState.PENDING).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(partial(relay.dispatch_after_commit, message.pk))
    return message


def recently_enqueued(*, dedupe_key: str, since: datetime) -> bool:
    """Whether a message with this key was recorded since ``since`` (sweepers: not again so soon)."""
    return Message.objects.filter(dedupe_key=dedupe_key, created_at__gte=since).exists()


def message_retry(*, message: Message) -> bool:
    """Make a failed (or waiting) message due now, for an admin who fixed the cause; returns whether it changed."""
    changed = Message.objects.filter(pk=message.pk, state__in=[MessageState.FAILED, MessageState.PENDING]).update(
        state=MessageState.PENDING, next_attempt_at=timezone.now()
    )
    return bool(changed)


def purge_dispatched(*, now: datetime | None = None) -> int:
    """Delete messages dispatched more than ``MRM_OUTBOX_KEEP_DAYS`` ago; pending and failed ones stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MRM_OUTBOX_KEEP_DAYS)
    deleted, _by_model = Message.objects.filter(state=MessageState.DISPATCHED, dispatched_at__lt=cutoff).delete()
    return deleted
