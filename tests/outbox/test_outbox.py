"""The outbox: side effects recorded with the write, handed to Celery by a relay that retries with backoff.

These run on the embedded default (SQLite, tasks in-process) and against a
broker that refuses (Redis on a port nobody listens on) or accepts (kombu's
in-process transport); tests/outbox/test_broker_outage.py does the same with
a real Redis stopped and restarted.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from celery import shared_task
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from outbox import relay
from outbox.choices import MessageState
from outbox.models import Message
from outbox.services import enqueue, message_retry, purge_dispatched, recently_enqueued
from outbox.sweeper import register_sweep, registered_sweeps, sweep_stuck_jobs
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db

CALLS: list[tuple] = []
FAILURES: list[Exception] = []


@shared_task(name="tests.outbox.record_call", ignore_result=True)
def record_call(value, *, label=""):
    """A consumer for these tests: records each run; raises the next queued failure if any."""
    if FAILURES:
        raise FAILURES.pop(0)
    CALLS.append((value, label))


@pytest.fixture(autouse=True)
def clean_calls():
    CALLS.clear()
    FAILURES.clear()
    yield
    CALLS.clear()
    FAILURES.clear()


def later(seconds=3600):
    return timezone.now() + timedelta(seconds=seconds)


# --- recorded with the write ---------------------------------------------------------------------


def test_a_committed_write_runs_its_side_effect_once_in_process(django_capture_on_commit_callbacks):
    # given the embedded default (no broker): a write records a side effect
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(record_call, args=[7], kwargs={"label": "seven"})
        # then nothing has run before the commit
        assert CALLS == []
    # then after the commit it ran, in-process, and the message is dispatched
    assert CALLS == [(7, "seven")]
    message.refresh_from_db()
    assert message.state == MessageState.DISPATCHED and message.attempts == 1 and message.dispatched_at
    # when the relay runs later, nothing runs twice
    assert relay.relay_due(now=later()).sent == 0
    assert CALLS == [(7, "seven")]


def test_a_rolled_back_write_records_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue(record_call, args=[1])
        raise RuntimeError("the write failed")
    assert not Message.objects.exists()
    assert CALLS == []


def test_an_unknown_task_or_an_object_argument_is_refused_in_the_write():
    with pytest.raises(ValueError, match="Unknown Celery task"):
        enqueue("nobody.tasks.no_such_task", args=[1])
    with pytest.raises(TypeError, match="JSON data"):
        enqueue(record_call, args=[object()])
    assert not Message.objects.exists()


def test_a_task_given_by_name_is_found_even_before_its_module_was_imported():
    # given the name of a task whose module a web process has not imported yet
    message = enqueue("outbox.tasks.purge_dispatched_messages_task")
    assert message.task == "outbox.tasks.purge_dispatched_messages_task"


# --- the broker refuses ---------------------------------------------------------------------------


def test_with_the_broker_down_the_write_succeeds_and_the_message_waits(dead_broker, django_capture_on_commit_callbacks):
    # given a broker that refuses every connection
    # when a write records a side effect and commits
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue(record_call, args=[1])
    # then the commit went through and the message waits, with the refusal and its next try recorded
    message.refresh_from_db()
    assert message.state == MessageState.PENDING
    assert message.attempts == 1
    assert "OperationalError" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert CALLS == []


def test_after_a_refusal_web_processes_leave_new_messages_to_the_relay(
    dead_broker, django_capture_on_commit_callbacks, monkeypatch
):
    # given the broker refused a moment ago
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(record_call, args=[1])
    sent = []
    monkeypatch.setattr(relay, "_send", lambda task, message: sent.append(message.pk))
    # when another write commits right after
    with django_capture_on_commit_callbacks(execute=True):
        second = enqueue(record_call, args=[2])
    # then it does not wait for another refusal: it is left, due, to the relay
    assert sent == []
    second.refresh_from_db()
    assert second.state == MessageState.PENDING and second.attempts == 0 and second.next_attempt_at <= timezone.now()


def test_the_relay_backs_off_exponentially_while_the_broker_is_down(dead_broker, settings):
    settings.MRM_OUTBOX_RETRY_SECONDS, settings.MRM_OUTBOX_RETRY_MAX_SECONDS = 10, 60
    message = enqueue(record_call, args=[1])
    delays = []
    for _attempt in range(5):
        before = timezone.now()
        result = relay.relay_due(now=later(3600))
        assert result.retried == 1 and result.sent == 0
        message.refresh_from_db()
        delays.append(round((message.next_attempt_at - before).total_seconds()))
    # 10, 20, 40, then capped at 60; never given up while it is the broker that refuses
    assert delays == [10, 20, 40, 60, 60]
    assert message.state == MessageState.PENDING and message.attempts == 5


def test_a_message_is_not_retried_before_its_time(dead_broker):
    enqueue(record_call, args=[1])
    assert relay.relay_due().retried == 1
    # the next round, seconds later, leaves it alone until its backoff has passed
    assert not relay.relay_due()


def test_one_refusal_ends_the_round(dead_broker):
    for value in range(3):
        enqueue(record_call, args=[value])
    result = relay.relay_due(now=later())
    assert (result.sent, result.retried) == (0, 1)
    assert list(Message.objects.order_by("pk").values_list("attempts", flat=True)) == [1, 0, 0]


# --- the broker is back ----------------------------------------------------------------------------


def test_once_the_broker_answers_the_relay_delivers_each_message_once(use_broker, memory_broker):
    # given three writes made while the broker was down
    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    messages = [enqueue(record_call, args=[value]) for value in range(3)]
    relay.relay_due(now=later())
    assert Message.objects.filter(state=MessageState.PENDING).count() == 3
    # when the broker answers again and the relay runs (twice, as its loop would)
    use_broker("memory://localhost/")
    memory_broker.published()
    first = relay.relay_due(now=later())
    second = relay.relay_due(now=later())
    # then each was published exactly once, under its message id, and marked dispatched
    published = memory_broker.published()
    assert sorted(published) == sorted(("tests.outbox.record_call", [m.args[0]], str(m.key)) for m in messages)
    assert (first.sent, second.sent) == (3, 0)
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.DISPATCHED}


def test_two_dispatchers_racing_for_a_message_send_it_once(memory_broker):
    # given a due message
    message = enqueue(record_call, args=[1])
    # when the relay process and a worker's relay job both try it
    outcomes = [relay.dispatch(message.pk), relay.dispatch(message.pk)]
    # then the claim let one through
    assert outcomes == [relay.Outcome.SENT, relay.Outcome.SKIPPED]
    assert len(memory_broker.published()) == 1


def test_a_dispatcher_that_died_mid_way_leaves_the_message_to_be_taken_again(memory_broker, monkeypatch):
    # given a dispatcher that claimed a message and died before publishing it
    message = enqueue(record_call, args=[1])
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        attempts=1, next_attempt_at=now + timedelta(seconds=relay.CLAIM_SECONDS)
    )
    # then nobody takes it while the claim holds, and the relay does once it ran out
    assert relay.relay_due(now=now).sent == 0
    assert relay.relay_due(now=now + timedelta(seconds=relay.CLAIM_SECONDS + 1)).sent == 1
    assert len(memory_broker.published()) == 1


# --- in-process failures (the embedded default) ---------------------------------------------------


def test_in_process_a_failing_task_is_retried_with_backoff_then_given_up(settings, django_capture_on_commit_callbacks):
    settings.MRM_OUTBOX_MAX_ATTEMPTS = 3
    # given a consumer that fails three times (an SMTP server down, say)
    FAILURES.extend([OSError("mail server down")] * 3)
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(record_call, args=[1])  # dispatched after the commit: fails
    message.refresh_from_db()
    assert message.state == MessageState.PENDING and "mail server down" in message.last_error
    # when the relay keeps trying
    relay.relay_due(now=later())
    relay.relay_due(now=later(7200))
    # then after the last attempt it is given up, with the error kept for the admin
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 3
    assert "OSError: mail server down" in message.last_error
    assert CALLS == []
    # and an admin who fixed the cause retries it: it runs once
    assert message_retry(message=message)
    relay.relay_due()
    assert CALLS == [(1, "")]


def test_in_process_a_failure_of_one_task_does_not_hold_the_others(django_capture_on_commit_callbacks):
    FAILURES.append(RuntimeError("broken"))
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(record_call, args=[1])
        second = enqueue(record_call, args=[2])
    # the first failed at once, the second ran; the relay later runs the first
    assert CALLS == [(2, "")]
    relay.relay_due(now=later())
    assert CALLS == [(2, ""), (1, "")]
    assert {first.pk, second.pk} == set(
        Message.objects.filter(state=MessageState.DISPATCHED).values_list("pk", flat=True)
    )


# --- deduplication, purge, command, admin ---------------------------------------------------------


def test_a_dedupe_key_keeps_one_pending_message(dead_broker):
    first = enqueue(record_call, args=[1], dedupe_key="job:1")
    again = enqueue(record_call, args=[1], dedupe_key="job:1")
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert recently_enqueued(dedupe_key="job:1", since=timezone.now() - timedelta(minutes=1))
    assert not recently_enqueued(dedupe_key="job:2", since=timezone.now() - timedelta(minutes=1))


def test_a_dedupe_key_allows_a_new_message_once_the_first_was_dispatched(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(record_call, args=[1], dedupe_key="job:1")
    with django_capture_on_commit_callbacks(execute=True):
        again = enqueue(record_call, args=[1], dedupe_key="job:1")
    assert again.pk != first.pk and CALLS == [(1, ""), (1, "")]


def test_old_dispatched_messages_are_purged_pending_and_failed_ones_stay(settings):
    settings.MRM_OUTBOX_KEEP_DAYS = 7
    old = enqueue(record_call, args=[1])
    recent = enqueue(record_call, args=[2])
    relay.relay_due()
    waiting = Message.objects.create(task="tests.outbox.record_call", args=[3])
    failed = Message.objects.create(task="tests.outbox.record_call", args=[4], state=MessageState.FAILED)
    Message.objects.filter(pk=old.pk).update(dispatched_at=timezone.now() - timedelta(days=8))
    assert purge_dispatched() == 1
    assert set(Message.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk, failed.pk}


def test_the_relay_command_delivers_what_is_due(dead_broker, use_broker, memory_broker):
    message = Message.objects.create(task="tests.outbox.record_call", args=[5])
    out = io.StringIO()
    call_command("run_outbox_relay", "--once", stdout=out)
    message.refresh_from_db()
    assert message.state == MessageState.DISPATCHED
    assert [task for task, _args, _id in memory_broker.published()] == ["tests.outbox.record_call"]


def test_an_admin_lists_messages_and_retries_a_failed_one(admin_client):
    failed = Message.objects.create(
        task="tests.outbox.record_call", args=[9], state=MessageState.FAILED, last_error="OSError: down"
    )
    page = admin_client.get("/admin/outbox/message/?state=failed")
    assert page.status_code == 200 and b"tests.outbox.record_call" in page.content
    response = admin_client.post(
        "/admin/outbox/message/", {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.state == MessageState.PENDING


# --- the sweeper registry --------------------------------------------------------------------------


def test_a_failing_sweep_does_not_stop_the_others(monkeypatch):
    from outbox import sweeper

    monkeypatch.setattr(sweeper, "_sweeps", dict(registered_sweeps()))

    def broken(*, now):
        raise RuntimeError("sweep broke")

    register_sweep("tests.broken", broken)
    register_sweep("tests.counting", lambda *, now: 2)
    handled = sweep_stuck_jobs()
    assert handled["tests.broken"] is None and handled["tests.counting"] == 2
    # every app's sweep is registered: report runs and material previews
    assert {"reports.runs", "materials.previews"} <= set(handled)


def test_no_app_queues_a_task_around_the_outbox():
    """``.delay()``, ``apply_async`` or ``send_task`` in app code would lose the side effect when the broker is down."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"\.(delay|apply_async|send_task)\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.glob("*/**/*.py")
        # the outbox itself is the one place that hands tasks to Celery
        if path.parts[len(root.parts)] not in {"outbox", ".venv", "tests", "node_modules", "staticfiles", "data"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == [], "record side effects with outbox.services.enqueue instead"
