"""A real worker killed with SIGKILL in the middle of a report run (issue 15, item 4).

The run must finish or fail honestly, never stay "running" forever:

- the pool process running it is killed (what the kernel's out-of-memory
  killer does): the worker gives the message back (``acks_late`` +
  ``reject_on_worker_lost``), it comes back redelivered, and the run starts
  again and finishes;
- the whole worker is killed (a container or host lost): nothing gives the
  message back before the broker's visibility timeout; the sweeper finds
  the run stuck past its limit, queues it again through the outbox, and a
  new worker finishes it.

The worker is ``tests/support/slow_worker.py``: MRM's worker whose first
export of a run waits, so the test can kill it mid-run.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.sweeper import sweep_stuck_jobs
from reports import services
from reports.choices import RunStatus
from reports.models import ReportRun
from tests.support.servers import RedisServer, process_env, start_worker, stop, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(use_broker, settings, tmp_path):
    with RedisServer() as server:
        use_broker(server.url)
        slow = tmp_path / "slow"
        slow.mkdir()
        env = process_env(server.url, tmp_path / "data", MRM_TEST_SLOW_EXPORT_DIR=str(slow))
        started = []

        def worker(pool="prefork"):
            process = start_worker(env, pool=pool, module="tests.support.slow_worker", log=tmp_path / "worker.log")
            started.append(process)
            return process

        yield {"worker": worker, "slow": slow, "log": tmp_path / "worker.log"}
        for process in started:
            stop(process, kill=True)


def ask_for_export(user) -> ReportRun:
    return services.report_run_create(report="campaign-status", params={}, format="csv", by=user)


def running_pid(run: ReportRun, folder) -> int:
    """Wait until a worker process is rendering the run; its process id."""
    marker = folder / f"run-{run.pk}.pid"
    wait_until(marker.exists, timeout=90, what="the worker to start the export")
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempts == 1
    return int(marker.read_text())


def test_a_pool_process_killed_mid_run_gives_the_run_back_and_it_finishes(stack, finance_user):
    # given a worker (a parent and one pool process) rendering an export
    worker = stack["worker"]("prefork")
    run = ask_for_export(finance_user)
    child = running_pid(run, stack["slow"])
    assert child != worker.pid
    # when the pool process is killed, as the out-of-memory killer would
    os.kill(child, signal.SIGKILL)

    # then the message comes back redelivered, the run starts again and finishes
    def finished():
        run.refresh_from_db()
        return run.is_finished

    wait_until(finished, timeout=120, what="the run to finish after its pool process was killed")
    assert (run.status, run.attempts, run.progress) == (RunStatus.DONE, 2, 100), stack["log"].read_text()[-3000:]
    assert run.file and run.rows is not None


def test_a_worker_killed_mid_run_is_swept_queued_again_and_finished_by_another(stack, finance_user, settings):
    settings.MRM_REPORT_RUN_STUCK_MINUTES = 1
    # given a single-process worker rendering an export
    worker = stack["worker"]("solo")
    run = ask_for_export(finance_user)
    assert running_pid(run, stack["slow"]) == worker.pid
    # when the whole worker is killed
    stop(worker, kill=True)
    time.sleep(1)
    # then, before the sweeper, the run is a ghost: "running", and nobody works on it
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    # when the sweeper runs once the run is past its limit
    handled = sweep_stuck_jobs(now=timezone.now() + timedelta(minutes=2))
    assert handled["reports.runs"] == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.QUEUED, 1)
    # and another worker comes up: it takes the queued run and finishes it
    stack["worker"]("solo")

    def finished():
        run.refresh_from_db()
        return run.is_finished

    wait_until(finished, timeout=120, what="a new worker to finish the swept run")
    assert (run.status, run.attempts) == (RunStatus.DONE, 2), stack["log"].read_text()[-3000:]
