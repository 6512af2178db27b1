"""Worker settings that keep a killed worker from leaving ghosts (issue 15, item 4).

Every task is idempotent (docs/ARCHITECTURE.md), so a message is acknowledged
only after its task ran (``acks_late``) and a worker lost mid-task gives it
back (``reject_on_worker_lost``). Redis hands an unacknowledged message to
another worker after the visibility timeout: it must be longer than any
task may run, or a task still running would be started twice.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from mrm.celery import app
from mrm.schedule import BEAT_SCHEDULE


@pytest.fixture(scope="module")
def mrm_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith(("celery.", "tests."))}


def test_messages_are_acknowledged_after_the_task_and_given_back_when_the_worker_is_lost():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_task_has_a_time_limit_shorter_than_the_visibility_timeout(mrm_tasks):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    default = app.conf.task_time_limit
    assert default, "a default hard time limit for every task"
    limits = {name: task.time_limit or default for name, task in mrm_tasks.items()}
    assert len(limits) >= 15
    too_long = {name: limit for name, limit in limits.items() if limit >= visibility}
    assert too_long == {}, f"visibility timeout {visibility}s is not longer than: {too_long}"
    # and a margin: the longest task plus a restart of its worker fits in it
    assert visibility >= 2 * max(limits.values())


def test_every_scheduled_job_names_a_registered_task(mrm_tasks):
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= set(mrm_tasks)
    assert {"outbox-relay", "outbox-sweep", "outbox-purge"} <= set(BEAT_SCHEDULE)
