"""The relay: hands recorded messages to Celery, retrying with backoff until the broker takes them.

Three callers, one claim:

- right after the write commits (``dispatch_after_commit``): one attempt, and
  a failure is only logged; while the broker keeps refusing, the process
  stops trying at once for ``MRM_OUTBOX_PAUSE_SECONDS`` so requests do not
  wait on connection timeouts;
- the relay process (``manage.py run_outbox_relay``), which needs no broker
  to run: every few seconds it hands over whatever is due;
- the beat job ``outbox-relay`` (a worker in production, the scheduler
  process itself in the embedded default).

Each first *claims* a due message with a conditional ``UPDATE`` (one winner,
on every database): the claim pushes ``next_attempt_at`` forward by a lease,
so a dispatcher that dies mid-way leaves the message to be taken again when
the lease ends. The guarantee is at-least-once: a message is dispatched again
only if its dispatcher died before recording success, and every task is an
idempotent consumer (it checks a state or a ``sent_at`` marker), so the
effect happens exactly once.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from outbox.choices import MessageState
from outbox.models import Message

logger = logging.getLogger("outbox")

# How long a claim holds a message (the broker answers or times out well within it).
CLAIM_SECONDS = 60
# Publishing: a couple of quick reconnects (a restarted Redis), then leave it to the relay.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

_paused_until = 0.0  # monotonic time before which immediate dispatches are left to the relay


class Outcome(enum.Enum):
    SENT = "sent"  # the broker took it (or it ran in-process)
    RETRY = "retry"  # not now: tried again after a backoff
    FAILED = "failed"  # never deliverable: given up, shown in the admin
    SKIPPED = "skipped"  # not due, or another dispatcher holds it


@dataclass
class RelayResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed)


def celery_app():
    from mrm.celery import app

    return app


def in_process() -> bool:
    """The embedded default: no broker, tasks run where they are dispatched."""
    return bool(celery_app().conf.task_always_eager)


def task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def resolve_task(name: str):
    """The registered Celery task of that name, importing every app's ``tasks`` module once if needed."""
    app = celery_app()
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(name)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: ``MRM_OUTBOX_RETRY_SECONDS`` doubled per attempt, capped at ``..._MAX_SECONDS``."""
    base, cap = settings.MRM_OUTBOX_RETRY_SECONDS, settings.MRM_OUTBOX_RETRY_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _claim_seconds(task) -> int:
    if in_process() and task is not None:  # the claim must outlast the task run right here
        limit = task.time_limit or celery_app().conf.task_time_limit or 0
        return max(CLAIM_SECONDS, int(limit) + CLAIM_SECONDS)
    return CLAIM_SECONDS


def dispatch(message_id: int, *, now: datetime | None = None) -> Outcome:
    """Claim one due message and hand it to Celery; record the result on the message."""
    now = now or timezone.now()
    message = Message.objects.filter(pk=message_id).only("task").first()
    if message is None:
        return Outcome.SKIPPED
    task = resolve_task(message.task)
    claimed = Message.objects.filter(pk=message_id, state=MessageState.PENDING, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=_claim_seconds(task))
    )
    if not claimed:
        return Outcome.SKIPPED
    message = Message.objects.get(pk=message_id)
    if task is None:
        _give_up(message, f"Unknown task {message.task!r}")
        return Outcome.FAILED
    try:
        _send(task, message)
    except Exception as exc:  # the broker refused, or (in-process) the task itself failed
        return _failed_attempt(message, exc)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.DISPATCHED, dispatched_at=timezone.now(), last_error=""
    )
    return Outcome.SENT


def _send(task, message: Message) -> None:
    if in_process():
        task.apply(args=message.args, kwargs=message.kwargs, task_id=str(message.key), throw=True)
        return
    celery_app().send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=str(message.key),
        ignore_result=True,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )


def _describe(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _failed_attempt(message: Message, exc: Exception) -> Outcome:
    global _paused_until
    if in_process() and message.attempts >= settings.MRM_OUTBOX_MAX_ATTEMPTS:
        logger.exception(
            "outbox: %s (message %s) failed %s times, given up", message.task, message.pk, message.attempts
        )
        _give_up(message, _describe(exc))
        return Outcome.FAILED
    delay = retry_delay(message.attempts)
    Message.objects.filter(pk=message.pk, state=MessageState.PENDING).update(
        next_attempt_at=timezone.now() + delay, last_error=_describe(exc)
    )
    if in_process():
        logger.warning("outbox: %s (message %s) failed, retry in %ss: %s", message.task, message.pk, delay, exc)
    else:
        _paused_until = time.monotonic() + settings.MRM_OUTBOX_PAUSE_SECONDS
        logger.warning(
            "outbox: the broker refused %s (message %s), retry in %s: %s", message.task, message.pk, delay, exc
        )
    return Outcome.RETRY


def _give_up(message: Message, error: str) -> None:
    Message.objects.filter(pk=message.pk).update(state=MessageState.FAILED, last_error=error)


def dispatch_after_commit(message_id: int) -> None:
    """The write committed: try once now; whatever happens, the request goes on.

    While the broker was refusing recently, leave the message to the relay
    rather than make this request wait for another connection timeout.
    """
    if not in_process() and time.monotonic() < _paused_until:
        return
    try:
        dispatch(message_id)
    except Exception:  # the response must not fail for a side effect the relay will retry
        logger.exception("outbox: dispatching message %s after commit failed; the relay will retry", message_id)


def resume_immediate_dispatch() -> None:
    """Forget that the broker refused (tests; a process that knows it is back)."""
    global _paused_until
    _paused_until = 0.0


def relay_due(*, limit: int = 500, now: datetime | None = None) -> RelayResult:
    """Hand over every due pending message, oldest first.

    With a broker, the first refusal ends the round (the rest would be
    refused too); in-process each task is tried on its own.
    """
    now = now or timezone.now()
    result = RelayResult()
    due = (
        Message.objects.filter(state=MessageState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in list(due):
        outcome = dispatch(message_id, now=max(now, timezone.now()))
        if outcome is Outcome.SENT:
            result.sent += 1
        elif outcome is Outcome.FAILED:
            result.failed += 1
        elif outcome is Outcome.RETRY:
            result.retried += 1
            if not in_process():
                break
    if result.sent:
        resume_immediate_dispatch()
    return result
