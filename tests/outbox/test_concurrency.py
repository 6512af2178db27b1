"""Races on PostgreSQL with real threads: dispatchers racing for a message send it once; one pending per key."""

from __future__ import annotations

import pytest

from outbox import relay
from outbox.choices import MessageState
from outbox.models import Message
from outbox.services import enqueue
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_dispatchers_racing_for_one_message_send_it_once(monkeypatch):
    # given a due message, and a record of every hand-over
    message = Message.objects.create(task="mrm.tasks.ping_task")
    sent = []
    monkeypatch.setattr(relay, "_send", lambda task, m: sent.append(m.pk))
    # when web processes, relay processes and the beat job all try it at once
    results, errors = race(20, lambda i: relay.dispatch(message.pk))
    # then exactly one claimed and sent it; the others stepped aside
    assert errors == []
    assert sorted(outcome.value for outcome in results) == ["sent"] + ["skipped"] * 19
    assert sent == [message.pk]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.DISPATCHED, 1)


def test_twenty_sweeps_asking_for_the_same_job_leave_one_pending_message(dead_broker):
    results, errors = race(20, lambda i: enqueue("mrm.tasks.ping_task", dedupe_key="reports.run:1").pk)
    assert errors == []
    assert len(set(results)) == 1
    assert Message.objects.filter(dedupe_key="reports.run:1", state=MessageState.PENDING).count() == 1
