"""Every side effect of a write goes through the outbox: with the broker down the write answers and commits,
and once it answers again each side effect happens exactly once.

The findings of issue 15: with Redis down, deciding an approval answered
500 after committing and its e-mail was lost; a report run answered 500 and
stayed queued forever. Here the broker is a Redis port nobody listens on;
tests/outbox/test_broker_outage.py repeats it with a real Redis stopped and
restarted and a real worker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals.choices import RequestStatus
from notifications.models import Notification
from outbox.choices import MessageState
from outbox.models import Message
from outbox.relay import relay_due
from reports.choices import RunStatus
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def later():
    return timezone.now() + timedelta(hours=1)


def test_a_decision_with_the_broker_down_answers_commits_and_mails_once_it_is_back(
    waiting_approval, finance_user, marketer, api_as, dead_broker, use_broker, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    # given the broker is down
    # when finance approves through the API
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(finance_user).post(
            f"/api/v1/approval-requests/{waiting_approval.pk}/decide/", {"outcome": "approve", "note": "ok"}
        )
    # then the decision answers and is committed, the submitter is told in the bell...
    assert response.status_code == 201, response.content
    waiting_approval.refresh_from_db()
    assert waiting_approval.status == RequestStatus.APPROVED
    notice = Notification.objects.get(recipient=marketer, message_key="approvals.decided")
    # ...and the e-mail waits in the outbox, not lost
    message = Message.objects.get(task="notifications.tasks.send_notification_email_task", args=[notice.pk])
    assert message.state == MessageState.PENDING and "OperationalError" in message.last_error
    assert mail.outbox == [] and notice.emailed_at is None
    # when the broker is back (the embedded default's in-process worker here) and the relay runs, twice
    use_broker("memory://localhost/")
    from mrm.celery import app

    app.conf.task_always_eager = True
    relay_due(now=later())
    relay_due(now=later())
    # then the e-mail left exactly once
    assert [m.to for m in mail.outbox] == [[marketer.email]]
    notice.refresh_from_db()
    message.refresh_from_db()
    assert notice.emailed_at is not None and message.state == MessageState.DISPATCHED


def test_a_decision_page_with_the_broker_down_answers_and_commits(
    waiting_approval, finance_user, client, dead_broker, django_capture_on_commit_callbacks
):
    client.force_login(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/approvals/requests/{waiting_approval.pk}/decide/", {"outcome": "approve", "note": "ok"}
        )
    assert response.status_code in (200, 302), response.content[:500]
    waiting_approval.refresh_from_db()
    assert waiting_approval.status == RequestStatus.APPROVED
    assert Message.objects.filter(task="notifications.tasks.send_notification_email_task").exists()


def test_a_report_run_with_the_broker_down_is_queued_and_runs_once_it_is_back(
    finance_user, client, api_as, dead_broker, use_broker, django_capture_on_commit_callbacks
):
    client.force_login(finance_user)
    # when finance asks for a background export, on the page and through the API, with the broker down
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/reports/campaign-status/export/", {"format": "csv", "background": "1"})
        api = api_as(finance_user).post(
            "/api/v1/report-runs/", {"report": "campaign-status", "format": "xlsx"}, format="json"
        )
    # then both answer, and both runs wait, queued, with their task recorded
    assert page.status_code == 302 and api.status_code == 201, api.content
    runs = list(ReportRun.objects.order_by("pk"))
    assert [run.status for run in runs] == [RunStatus.QUEUED, RunStatus.QUEUED]
    assert page["Location"] == runs[0].get_absolute_url()
    assert client.get(runs[0].get_absolute_url()).status_code == 200
    assert Message.objects.filter(task="reports.tasks.run_report_task", state=MessageState.PENDING).count() == 2
    # when the broker is back and the relay runs
    use_broker("memory://localhost/")
    from mrm.celery import app

    app.conf.task_always_eager = True
    relay_due(now=later())
    # then each run ran once and is done
    for run in runs:
        run.refresh_from_db()
        assert (run.status, run.attempts) == (RunStatus.DONE, 1)
    assert not Message.objects.filter(state=MessageState.PENDING).exists()
