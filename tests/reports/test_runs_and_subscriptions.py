"""Background runs (progress, failure, idempotence, file purge) and e-mail subscriptions (once per period)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from reports import services
from reports.choices import Frequency, RunStatus
from reports.models import ReportRun, ReportSubscription, SubscriptionDelivery
from reports.tasks import purge_report_files_task, run_report_task, send_due_subscriptions_task

pytestmark = pytest.mark.django_db


def test_a_run_records_its_progress_up_to_done(money_world, finance_user, monkeypatch):
    # given a queued run of budget vs actual as XLSX
    run = ReportRun.objects.create(
        report="budget-vs-actual", params={"group_by": "cell"}, format="xlsx", requested_by=finance_user
    )
    seen = []
    record = services.report_run_set_progress

    def spy(run_id, progress):
        record(run_id, progress)
        seen.append(ReportRun.objects.get(pk=run_id).progress)

    monkeypatch.setattr(services, "report_run_set_progress", spy)
    # when the task runs
    run_report_task(run.pk)
    # then the progress climbed while it ran, and the run is done with its file
    run.refresh_from_db()
    assert seen and seen == sorted(seen) and 0 < seen[0] < 100
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.rows == 3 and run.file_name.endswith(".xlsx") and run.file
    assert run.started_at <= run.finished_at


def test_a_failed_run_records_its_error(finance_user, monkeypatch):
    # given a run whose rendering breaks
    run = ReportRun.objects.create(report="campaign-status", format="pdf", requested_by=finance_user)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services.exports, "render", broken)
    # when it runs
    run_report_task(run.pk)
    # then it failed, with the reason kept for the requester
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "RuntimeError" in run.error and run.finished_at is not None and not run.file


def test_a_run_whose_filters_became_invalid_fails_with_the_field(finance_user):
    run = ReportRun.objects.create(
        report="budget-vs-actual", params={"team": "987654"}, format="csv", requested_by=finance_user
    )
    run_report_task(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "team" in run.error


def test_running_the_task_twice_renders_once(finance_user, monkeypatch):
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    calls = []
    real = services.exports.render
    monkeypatch.setattr(services.exports, "render", lambda *a, **k: calls.append(1) or real(*a, **k))
    run_report_task(run.pk)
    run_report_task(run.pk)
    assert len(calls) == 1


def test_a_csv_run_without_a_dialect_follows_its_requesters_language_and_time_zone(money_world, marketer):
    # given a Russian-speaking marketer in Vladivostok whose background CSV names no dialect
    marketer.language, marketer.time_zone = "ru", "Asia/Vladivostok"
    marketer.save(update_fields=["language", "time_zone"])
    run = ReportRun.objects.create(
        report="budget-vs-actual", params={"group_by": "team"}, format="csv", requested_by=marketer
    )
    # when the worker renders it (no request, no active language)
    run_report_task(run.pk)
    run.refresh_from_db()
    # then the file is in Russian with Russian separators, for Brand only, timed in Vladivostok
    lines = run.file.open("rb").read().decode("utf-8-sig").splitlines()
    assert lines[1] == '"Цифры по";"Команда: Brand"'
    assert lines[3].startswith('"Сформировано";"') and lines[3].endswith('(+10)"')
    assert lines[6].startswith('"Brand";150000,00;')


def test_old_files_are_purged_by_the_beat_job(finance_user, settings):
    settings.MRM_REPORT_FILE_DAYS = 7
    old = ReportRun.objects.create(
        report="roi",
        format="csv",
        requested_by=finance_user,
        status=RunStatus.DONE,
        finished_at=timezone.now() - dt.timedelta(days=8),
    )
    old.file.save("old.csv", ContentFile(b"x"), save=True)
    fresh = ReportRun.objects.create(
        report="roi",
        format="csv",
        requested_by=finance_user,
        status=RunStatus.DONE,
        finished_at=timezone.now() - dt.timedelta(days=1),
    )
    fresh.file.save("fresh.csv", ContentFile(b"x"), save=True)
    path = old.file.path
    assert purge_report_files_task() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.file and old.file_deleted_at is not None and not old.is_downloadable
    assert fresh.file
    import os

    assert not os.path.exists(path)


def test_the_beat_schedule_has_the_report_jobs():
    from mrm.schedule import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"reports.tasks.send_due_subscriptions_task", "reports.tasks.purge_report_files_task"} <= tasks


# --- subscriptions ---------------------------------------------------------------------------


@pytest.fixture
def weekly_roi(marketer, other_team_marketer):
    """Monday's ROI by campaign, as PDF, to Brand's and Events' marketers; created a while ago."""
    subscription = ReportSubscription.objects.create(
        report="roi", name="Weekly ROI", format="pdf", frequency=Frequency.WEEKLY, weekday=0, owner=marketer
    )
    subscription.recipients.set([marketer, other_team_marketer])
    ReportSubscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    subscription.refresh_from_db()
    return subscription


MONDAY = dt.date(2026, 11, 23)


def pdf_text(message) -> str:
    _name, content, _type = message.attachments[0]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_period_is_sent_once_even_when_the_job_runs_twice(money_world, weekly_roi):
    # when the job runs twice on Monday, and again on Tuesday
    assert services.send_due_subscriptions(today=MONDAY) == 1
    assert services.send_due_subscriptions(today=MONDAY) == 0
    assert services.send_due_subscriptions(today=MONDAY + dt.timedelta(days=1)) == 0
    # then each recipient got one e-mail for week 48, with the PDF attached
    assert len(mail.outbox) == 2
    assert SubscriptionDelivery.objects.get().period == "2026-W48"
    weekly_roi.refresh_from_db()
    assert weekly_roi.last_period_sent == "2026-W48"
    assert {m.to[0] for m in mail.outbox} == {"marketer@example.com", "events-marketer@example.com"}
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    # and the next week is sent again
    assert services.send_due_subscriptions(today=MONDAY + dt.timedelta(days=7)) == 1


def test_each_recipient_gets_the_report_with_their_own_permissions(money_world, weekly_roi):
    services.send_due_subscriptions(today=MONDAY)
    by_recipient = {m.to[0]: pdf_text(m) for m in mail.outbox}
    # Brand's marketer does not see Events' confidential EXPO; Events' marketer sees only it
    assert "SPRING" in by_recipient["marketer@example.com"]
    assert "EXPO" not in by_recipient["marketer@example.com"]
    assert "EXPO" in by_recipient["events-marketer@example.com"]
    assert "SPRING" not in by_recipient["events-marketer@example.com"]


def test_recipients_get_it_in_their_language(money_world, weekly_roi, other_team_marketer):
    other_team_marketer.language = "ru"
    other_team_marketer.save()
    services.send_due_subscriptions(today=MONDAY)
    russian = next(m for m in mail.outbox if m.to == ["events-marketer@example.com"])
    assert "ROI по кампаниям и каналам" in russian.subject
    assert "Здравствуйте" in russian.body
    assert "Фактические затраты" in pdf_text(russian)
    # and the PDF says whose figures it holds, in the recipient's words
    assert "Цифры по: Команда: Events" in pdf_text(russian)


def test_nothing_is_due_before_the_scheduled_day_nor_for_days_before_the_subscription(weekly_roi, marketer):
    # a weekly subscription made long ago owes the week of the last Monday
    sunday = MONDAY - dt.timedelta(days=1)
    assert services.due_period(weekly_roi, sunday) == "2026-W47"  # last Monday's week, still owed
    monthly = ReportSubscription.objects.create(
        report="roi", name="Monthly", frequency=Frequency.MONTHLY, day_of_month=25, owner=marketer
    )
    assert services.due_period(monthly, dt.date(2026, 11, 24)) is None  # before the 25th
    # the 25th of a month after the subscription was made is owed from that day on
    ReportSubscription.objects.filter(pk=monthly.pk).update(created_at=timezone.make_aware(dt.datetime(2026, 10, 1)))
    monthly.refresh_from_db()
    assert services.due_period(monthly, dt.date(2026, 11, 25)) == "2026-11"
    # created on a Wednesday for Mondays: nothing is owed for that week, the next Monday's week is
    wednesday = timezone.make_aware(dt.datetime(2026, 11, 18, 12))
    ReportSubscription.objects.filter(pk=weekly_roi.pk).update(created_at=wednesday)
    weekly_roi.refresh_from_db()
    assert services.due_period(weekly_roi, dt.date(2026, 11, 22)) is None
    assert services.due_period(weekly_roi, MONDAY) == "2026-W48"


def test_an_inactive_subscription_sends_nothing(money_world, weekly_roi):
    ReportSubscription.objects.filter(pk=weekly_roi.pk).update(active=False)
    assert send_due_subscriptions_task() == 0
    assert services.send_due_subscriptions(today=MONDAY) == 0
    assert mail.outbox == []
