"""Redis stopped and restarted for real around a decision and a report run (issue 15, item 3).

The test starts its own Redis on a free port, points this process (the web
side) at it as production does (broker and cache), and runs a real Celery
worker and the real relay process (``manage.py run_outbox_relay``) on the
test's PostgreSQL database. With Redis stopped, pages, the API, sign-in and
decisions keep answering, ``/health/`` is alive but degraded naming the
broker and the cache, ``/health/ready/`` answers 503. Once Redis is back,
the relay hands everything over and each side effect happens exactly once.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from approvals.choices import RequestStatus
from notifications.models import Notification
from outbox.choices import MessageState
from outbox.models import Message
from reports.choices import RunStatus
from reports.models import ReportRun
from tests.support.servers import RedisServer, process_env, start_relay, start_worker, stop, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def mails_to(folder, address: str) -> int:
    """How many e-mails the file mail backend wrote to ``address`` (one ``To:`` header per e-mail)."""
    if not folder.exists():
        return 0
    return sum(path.read_text(errors="replace").count(f"To: {address}") for path in folder.iterdir())


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def production_like(redis_server, use_broker, redis_cache, settings, tmp_path):
    """This process as a web process on the test's Redis; a worker on it; quick retries for the test."""
    use_broker(redis_server.url)
    redis_cache(redis_server.url)
    settings.MRM_OUTBOX_RETRY_SECONDS = 1
    settings.MRM_OUTBOX_RETRY_MAX_SECONDS = 2
    settings.MRM_OUTBOX_PAUSE_SECONDS = 1
    env = process_env(
        redis_server.url, tmp_path / "data", MRM_OUTBOX_RETRY_SECONDS="1", MRM_OUTBOX_RETRY_MAX_SECONDS="2"
    )
    worker = start_worker(env, log=tmp_path / "worker.log")
    processes = {"worker": worker, "env": env, "mail": tmp_path / "data" / "mail", "logs": tmp_path}
    yield processes
    stop(processes.get("relay"))
    stop(worker)


def test_a_decision_and_a_report_run_survive_redis_stopped_and_are_delivered_once_it_is_back(
    production_like, redis_server, waiting_approval, finance_user, marketer, password, client, api_client
):
    # given the stack is up: the health page is ok once the worker answers
    wait_until(lambda: client.get("/health/ready/").status_code == 200, what="ready with Redis up")
    wait_until(
        lambda: client.get("/health/").json()["checks"]["workers"]["status"] == "ok", timeout=60, what="worker ping"
    )

    # when Redis stops
    redis_server.stop()

    # then the approver still decides: the answer is the decision, committed
    client.force_login(finance_user)
    decided = client.post(f"/approvals/requests/{waiting_approval.pk}/decide/", {"outcome": "approve", "note": "ok"})
    assert decided.status_code == 302, decided.content[:300]
    waiting_approval.refresh_from_db()
    assert waiting_approval.status == RequestStatus.APPROVED
    notice = Notification.objects.get(recipient=marketer, message_key="approvals.decided")
    # and a background export is asked for and shown, queued
    exported = client.post("/reports/campaign-status/export/", {"format": "csv", "background": "1"})
    assert exported.status_code == 302
    run = ReportRun.objects.get()
    assert run.status == RunStatus.QUEUED
    assert client.get(run.get_absolute_url()).status_code == 200
    # and the dashboard, token sign-in and health all answer
    assert client.get("/").status_code == 200
    token = api_client.post("/api/v1/auth/token/", {"username": marketer.username, "password": password})
    assert token.status_code == 200 and token.json()["token"]
    live, ready = client.get("/health/"), client.get("/health/ready/")
    assert live.status_code == 200 and live.json()["status"] == "degraded"
    assert {"broker", "cache"} <= set(live.json()["failing"])
    assert ready.status_code == 503
    # and nothing is lost: both side effects wait in the outbox
    waiting = Message.objects.filter(state=MessageState.PENDING)
    assert set(waiting.values_list("task", flat=True)) == {
        "notifications.tasks.send_notification_email_task",
        "reports.tasks.run_report_task",
    }
    assert mails_to(production_like["mail"], marketer.email) == 0

    # when Redis is back and the relay process runs
    redis_server.start()
    production_like["relay"] = start_relay(production_like["env"], log=production_like["logs"] / "relay.log")

    # then the worker gets both: the export is made and the e-mail leaves
    def delivered():
        run.refresh_from_db()
        notice.refresh_from_db()
        return run.status == RunStatus.DONE and notice.emailed_at is not None

    wait_until(delivered, timeout=120, what="the export and the e-mail after Redis came back")
    # and, several relay rounds later, each happened exactly once
    time.sleep(4)
    assert mails_to(production_like["mail"], marketer.email) == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)
    assert not Message.objects.filter(state=MessageState.PENDING).exists()
    assert Message.objects.filter(dispatched_at__lte=timezone.now()).count() >= 2
    # and the site is ready again
    wait_until(lambda: client.get("/health/ready/").status_code == 200, what="ready after Redis came back")
    # and this web process, whose connections Redis dropped, hands new work over itself again, at once
    stop(production_like.pop("relay"))
    time.sleep(1.5)  # past MRM_OUTBOX_PAUSE_SECONDS
    assert client.post("/reports/campaign-status/export/", {"format": "xlsx", "background": "1"}).status_code == 302
    again = Message.objects.get(task="reports.tasks.run_report_task", args=[ReportRun.objects.latest("pk").pk])
    assert (again.state, again.attempts) == (MessageState.DISPATCHED, 1)
