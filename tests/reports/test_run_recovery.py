"""Runs whose worker died do not stay "running" forever: they restart or fail, with the reason shown.

The finding of issue 15: a worker killed (``kill -9``) during a report run
left it ``running`` forever. Two ways back, both tested here on the logic
and in tests/outbox/test_worker_killed.py with a real worker and SIGKILL:

- the broker gives the unacknowledged message back (``acks_late`` +
  ``reject_on_worker_lost``), redelivered: the run starts again;
- the sweeper finds runs stuck past their limit and re-queues them through
  the outbox, or fails them once they were started too often.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from mrm.messages import decode_note
from outbox.choices import MessageState
from outbox.models import Message
from outbox.sweeper import sweep_stuck_jobs
from reports import services
from reports.choices import RunStatus
from reports.messages import RUN_LOST, RUN_NEVER_STARTED
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.MRM_REPORT_RUN_STUCK_MINUTES = 20
    settings.MRM_REPORT_RUN_QUEUED_MINUTES = 30
    settings.MRM_REPORT_RUN_MAX_ATTEMPTS = 3
    settings.MRM_REPORT_RUN_GIVE_UP_HOURS = 24
    return settings


def lost_run(user, *, minutes=25, attempts=1, claim="task-1") -> ReportRun:
    """A run a worker started ``minutes`` ago and never finished (the worker was killed)."""
    started = timezone.now() - timedelta(minutes=minutes)
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=user)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=started, progress=30, attempts=attempts, claim=claim
    )
    run.refresh_from_db()
    return run


# --- redelivered after the worker was lost ----------------------------------------------------------------


def test_the_same_message_redelivered_restarts_a_run_its_lost_worker_left_running(finance_user):
    # given a run that the message "task-1" started on a worker that was then killed
    run = lost_run(finance_user, minutes=1)
    # when the broker hands that message back, flagged redelivered
    services.report_run_execute(run.pk, claim="task-1", redelivered=True)
    # then the run started again and finished
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress) == (RunStatus.DONE, 2, 100)
    assert run.file


@pytest.mark.parametrize(
    ("claim", "redelivered"),
    [("task-2", True), ("task-1", False), ("", True)],
    ids=["another message", "a duplicate delivery", "no task id"],
)
def test_any_other_delivery_leaves_a_running_run_alone(finance_user, claim, redelivered):
    run = lost_run(finance_user, minutes=1)
    services.report_run_execute(run.pk, claim=claim, redelivered=redelivered)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)


def test_a_run_that_kills_its_worker_every_time_fails_after_its_last_attempt(finance_user, limits):
    run = lost_run(finance_user, minutes=1, attempts=3)
    services.report_run_execute(run.pk, claim="task-1", redelivered=True)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at
    assert decode_note(run.error) == (RUN_LOST, {"attempts": 3})


def test_an_attempt_superseded_by_a_restart_records_nothing(finance_user, monkeypatch):
    # given a run whose first attempt is slow: meanwhile it is restarted, and the restart finishes first
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    real = services.exports.render

    def restarted_meanwhile(*args, **kwargs):
        ReportRun.objects.filter(pk=run.pk).update(attempts=2, status=RunStatus.DONE, file_name="newer.csv")
        return real(*args, **kwargs)

    monkeypatch.setattr(services.exports, "render", restarted_meanwhile)
    # when the first attempt ends
    services.report_run_execute(run.pk, claim="task-1")
    # then the newer attempt's result stands
    run.refresh_from_db()
    assert (run.status, run.file_name, run.attempts) == (RunStatus.DONE, "newer.csv", 2)
    assert not run.file


# --- the sweeper ----------------------------------------------------------------------------------------------


def test_the_sweeper_restarts_a_run_stuck_running_past_its_limit(
    finance_user, limits, django_capture_on_commit_callbacks
):
    # given a run started 25 minutes ago whose worker was lost (limit 20) and one still within its limit
    stuck = lost_run(finance_user, minutes=25)
    fresh = lost_run(finance_user, minutes=5, claim="task-2")
    # when the sweeper runs (the embedded default runs the re-queued task right after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        handled = sweep_stuck_jobs()
    # then the stuck run was queued again through the outbox and ran to the end, as a second attempt
    assert handled["reports.runs"] == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (RunStatus.DONE, 2)
    message = Message.objects.get(task="reports.tasks.run_report_task", args=[stuck.pk])
    assert message.state == MessageState.DISPATCHED and message.dedupe_key == f"reports.run:{stuck.pk}"
    # and the one within its limit is left alone
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (RunStatus.RUNNING, 1)


def test_a_restarted_run_says_so_on_its_page(finance_user, limits, dead_broker, client):
    # given the sweeper re-queued a lost run while the broker is down (so it waits, queued)
    run = lost_run(finance_user, minutes=25)
    services.report_runs_sweep()
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress) == (RunStatus.QUEUED, 1, 0)
    # then its page tells the requester why it is queued again
    client.force_login(finance_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="run-restarted"' in page
    assert "its worker was lost" in page or "worker running it was lost" in page


def test_the_sweeper_fails_a_run_after_its_last_attempt_with_the_reason_shown(finance_user, limits, client, api_as):
    # given a run lost on its third start (the limit)
    run = lost_run(finance_user, minutes=25, attempts=3)
    # when the sweeper runs
    assert services.report_runs_sweep() == 1
    # then it failed, and the run page and the API say why, in the reader's language
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at
    client.force_login(finance_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "The export stopped before finishing, 3 times: the worker running it was lost" in page
    assert 'data-testid="run-error"' in page
    body = api_as(finance_user).get(f"/api/v1/report-runs/{run.pk}/").json()
    assert body["status"] == "failed" and body["attempts"] == 3
    assert body["error"].startswith("The export stopped before finishing, 3 times")
    with translation.override("ru"):
        client.cookies["mrm_language"] = "ru"
        russian = client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Выгрузка" in russian and "The export stopped" not in russian


def test_the_sweeper_asks_again_for_a_run_whose_message_was_lost(finance_user, limits, memory_broker):
    # given a run queued 40 minutes ago whose message reached the broker and was lost there
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    ReportRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(minutes=40))
    # when the sweeper runs twice in a row
    services.report_runs_sweep()
    services.report_runs_sweep()
    # then one new message was recorded (the second sweep found it freshly queued)
    assert Message.objects.filter(task="reports.tasks.run_report_task", args=[run.pk]).count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.queued_at > timezone.now() - timedelta(minutes=1)


def test_the_sweeper_adds_nothing_while_the_runs_message_waits_for_the_broker(finance_user, limits, dead_broker):
    # given a run asked for 40 minutes ago while the broker is down: its message is pending in the outbox
    run = services.report_run_create(report="campaign-status", params={}, format="csv", by=finance_user)
    ReportRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(minutes=40))
    # when the sweeper runs
    services.report_runs_sweep()
    # then the pending message stays the only one
    assert Message.objects.filter(task="reports.tasks.run_report_task").count() == 1


def test_a_run_no_worker_started_within_a_day_is_failed_with_the_reason(finance_user, limits):
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    long_ago = timezone.now() - timedelta(hours=25)
    ReportRun.objects.filter(pk=run.pk).update(created_at=long_ago, queued_at=long_ago)
    services.report_runs_sweep()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert decode_note(run.error) == (RUN_NEVER_STARTED, {"hours": 24})


def test_the_stuck_limit_is_longer_than_the_tasks_hard_time_limit(settings):
    """A run still running within its task's time limit may be alive: the sweeper must not restart it."""
    from reports.tasks import run_report_task

    assert run_report_task.time_limit < settings.MRM_REPORT_RUN_STUCK_MINUTES * 60
