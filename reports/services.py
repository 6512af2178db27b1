"""Every write of the reports app: saved views, background runs, subscriptions and their deliveries.

Reports are computed as a given user (``Report.run(user, params)``) and
never with more rights than that user has: a run as its requester, a
subscription's e-mail as each recipient.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mrm.jobs import each_locked
from mrm.messages import note
from mrm.spreadsheets import CSV_DIALECTS
from outbox.events import publish
from outbox.services import enqueue
from reports import exports
from reports.choices import ExportFormat, Frequency, RunStatus
from reports.messages import RUN_LOST, RUN_NEVER_STARTED
from reports.models import ReportRun, ReportSubscription, SavedReportView, SubscriptionDelivery
from reports.permissions import (
    can_manage_saved_view,
    can_manage_subscription,
    can_save_views,
    can_subscribe,
    can_view_report,
)
from reports.registry import ReportParamsInvalid, get_report

logger = logging.getLogger(__name__)


def sync_max_rows() -> int:
    """Exports of more rows than this run in the background (``MRM_REPORT_SYNC_MAX_ROWS``)."""
    return getattr(settings, "MRM_REPORT_SYNC_MAX_ROWS", 2000)


def file_retention_days() -> int:
    """Days a background export's file is kept (``MRM_REPORT_FILE_DAYS``)."""
    return getattr(settings, "MRM_REPORT_FILE_DAYS", 7)


def _report_for(slug: str, user):
    report = get_report(slug)
    if report is None:
        raise ValidationError({"report": _("There is no such report.")})
    if not can_view_report(user, report):
        raise PermissionDenied(_("This report is not available to you."))
    return report


def _valid_params(report, user, params) -> dict[str, str]:
    """The canonical parameters, validated as ``user`` sees them; bad ones are field errors."""
    form = report.form(params or {}, user)
    if not form.is_valid():
        raise ReportParamsInvalid(form)
    return form.params()


# --- saved views --------------------------------------------------------------------------------


def saved_view_create(*, report: str, name: str, params: dict, shared: bool, by) -> SavedReportView:
    """Keep a report's filters under a name; its link reproduces the view (for colleagues too, when shared)."""
    if not can_save_views(by):
        raise PermissionDenied(_("You cannot save report views."))
    definition = _report_for(report, by)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    clean = _valid_params(definition, by, params)
    slug = f"{slugify(name)[:100] or 'view'}-{secrets.token_hex(3)}"
    return SavedReportView.objects.create(
        report=definition.slug, name=name[:120], slug=slug, params=clean, shared=bool(shared), owner=by
    )


def saved_view_delete(*, view: SavedReportView, by) -> None:
    if not can_manage_saved_view(by, view):
        raise PermissionDenied(_("Only the owner can delete a saved view."))
    view.delete()


# --- background runs ----------------------------------------------------------------------------


RUN_TASK = "reports.tasks.run_report_task"


def run_dedupe_key(run_id: int) -> str:
    return f"reports.run:{run_id}"


def max_run_attempts() -> int:
    """Starts a run gets before a lost worker fails it (``MRM_REPORT_RUN_MAX_ATTEMPTS``)."""
    return max(1, settings.MRM_REPORT_RUN_MAX_ATTEMPTS)


@transaction.atomic
def report_run_create(*, report: str, params: dict, format: str, by, dialect: str = "") -> ReportRun:
    """Queue an export of a report as ``by`` sees it.

    The run and its task message are written in one transaction (the outbox):
    with the broker down the request still succeeds and the run waits,
    queued, until the relay hands its task over. In the embedded default the
    task runs right after the commit, in-process.

    ``dialect`` (CSV: ``ru`` or ``en``) is kept with the run, so the file has
    the separators chosen when asking; left empty, the run writes the
    dialect of the language it is rendered in — the requester's.
    """
    definition = _report_for(report, by)
    if format not in ExportFormat.values:
        raise ValidationError({"format": _("Choose CSV, XLSX or PDF.")})
    if dialect and dialect not in CSV_DIALECTS:
        raise ValidationError({"dialect": _("Choose the CSV dialect ru or en.")})
    clean = _valid_params(definition, by, params)
    run = ReportRun.objects.create(
        report=definition.slug, params=clean, format=format, dialect=dialect, requested_by=by
    )
    enqueue(RUN_TASK, args=[run.pk], dedupe_key=run_dedupe_key(run.pk))
    return run


def report_run_set_progress(run_id: int, progress: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=max(0, min(int(progress), 99)))


def _language_of(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextlib.contextmanager
def as_reader(user):
    """Render for ``user`` without a request: in their language and time zone (files say when they were made)."""
    zone = None
    with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(user.time_zone) if getattr(user, "time_zone", "") else None
    with translation.override(_language_of(user)), timezone.override(zone or timezone.get_default_timezone()):
        yield


def report_run_execute(run_id: int, *, claim: str = "", redelivered: bool = False) -> ReportRun | None:
    """Compute and render a queued run as its requester; record progress, the file, or the error.

    Idempotent: only a queued run starts (its row is locked while it is
    claimed), so a task delivered twice renders once. One exception: the
    message that started a run (``claim``, its task id) coming back
    ``redelivered`` means the worker running it was lost (killed, out of
    memory): the broker returned the unacknowledged message. The run then
    starts again, or fails with that reason once it has been started
    ``MRM_REPORT_RUN_MAX_ATTEMPTS`` times (a report that kills its worker
    every time must not loop). Each start is numbered; an attempt superseded
    by a restart records nothing.
    """
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        resumed = run.status == RunStatus.RUNNING and redelivered and bool(claim) and run.claim == claim
        if run.status != RunStatus.QUEUED and not resumed:
            return run
        if run.attempts >= max_run_attempts():
            _fail(run, note(RUN_LOST, attempts=run.attempts))
            return run
        run.attempts += 1
        run.status, run.started_at, run.progress, run.claim = RunStatus.RUNNING, timezone.now(), 5, claim
        run.save(update_fields=["status", "started_at", "progress", "claim", "attempts"])
    attempt = run.attempts
    try:
        user = run.requested_by
        with as_reader(user):
            report = _report_for(run.report, user)
            result = report.run(user, run.params)
            report_run_set_progress(run.pk, 30)
            content = exports.render(
                result,
                run.format,
                progress=lambda p: report_run_set_progress(run.pk, 30 + int(p * 0.6)),
                dialect=run.dialect or None,
            )
            name = exports.file_name(result, run.format)
        run.file.save(name, ContentFile(content), save=False)
        finished = _this_attempt(run_id, attempt).update(
            file=run.file.name,
            file_name=name,
            rows=len(result.rows),
            status=RunStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
        if not finished:  # restarted meanwhile: the newer attempt's file is the one kept
            run.file.delete(save=False)
    except Exception as exc:  # a failed export is recorded for its requester, never lost
        logger.exception("report run %s failed", run_id)
        message = _("The export failed: %(error)s") % {"error": _describe(exc)}
        finished = _this_attempt(run_id, attempt).update(
            status=RunStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    if finished:
        with transaction.atomic():
            publish("report_run.finished", run)
    return run


def _this_attempt(run_id: int, attempt: int):
    """The run, only while this attempt is still the one running it."""
    return ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, attempts=attempt)


def _fail(run: ReportRun, reason: str) -> None:
    """Fail a run (row locked by the caller) with a reason its page and the API show."""
    run.status, run.error, run.finished_at = RunStatus.FAILED, reason, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def report_runs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Runs stuck past their limit are restarted or failed, with the reason (the outbox sweeper).

    - Running longer than ``MRM_REPORT_RUN_STUCK_MINUTES`` (more than the
      task's hard time limit, so no worker is still on it): its worker was
      lost. It is queued again through the outbox, or failed with that reason
      once it was started ``MRM_REPORT_RUN_MAX_ATTEMPTS`` times.
    - Queued longer than ``MRM_REPORT_RUN_QUEUED_MINUTES``: its message was
      lost (a broker that lost its data). It is asked for again; while its
      message still waits in the outbox (the broker is down) nothing is
      added. Queued ``MRM_REPORT_RUN_GIVE_UP_HOURS`` after it was asked for,
      it is failed: no worker ran it.

    Each run is handled in its own transaction with its row locked (a run
    that started meanwhile is left alone). Returns how many were handled.
    """
    now = now or timezone.now()
    handled = 0
    running = ReportRun.objects.filter(
        status=RunStatus.RUNNING,
        started_at__lt=now - datetime.timedelta(minutes=settings.MRM_REPORT_RUN_STUCK_MINUTES),
    )
    for run in each_locked(running):
        if run.attempts >= max_run_attempts():
            _fail(run, note(RUN_LOST, attempts=run.attempts))
        else:
            _requeue(run, now)
        handled += 1
    give_up_before = now - datetime.timedelta(hours=settings.MRM_REPORT_RUN_GIVE_UP_HOURS)
    queued = ReportRun.objects.filter(
        status=RunStatus.QUEUED,
        queued_at__lt=now - datetime.timedelta(minutes=settings.MRM_REPORT_RUN_QUEUED_MINUTES),
    )
    for run in each_locked(queued):
        if run.created_at < give_up_before:
            _fail(run, note(RUN_NEVER_STARTED, hours=settings.MRM_REPORT_RUN_GIVE_UP_HOURS))
        else:
            _requeue(run, now)
        handled += 1
    return handled


def _requeue(run: ReportRun, now: datetime.datetime) -> None:
    run.status, run.progress, run.claim, run.queued_at = RunStatus.QUEUED, 0, "", now
    run.save(update_fields=["status", "progress", "claim", "queued_at"])
    enqueue(RUN_TASK, args=[run.pk], dedupe_key=run_dedupe_key(run.pk))


def _describe(exc: Exception) -> str:
    if isinstance(exc, ReportParamsInvalid):
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.field_errors.items())
    if isinstance(exc, (ValidationError, PermissionDenied)):
        return " ".join(getattr(exc, "messages", [str(exc)]))
    return exc.__class__.__name__


def purge_report_files(*, now=None) -> int:
    """Delete export files older than ``MRM_REPORT_FILE_DAYS``; the run stays on record as expired."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=file_retention_days())
    purged = 0
    for run in ReportRun.objects.filter(finished_at__lt=cutoff).exclude(file="").only("pk", "file"):
        run.file.delete(save=False)
        ReportRun.objects.filter(pk=run.pk).update(file="", file_deleted_at=now)
        purged += 1
    return purged


# --- subscriptions -------------------------------------------------------------------------------


def subscription_save(*, subscription: ReportSubscription | None, data: dict, recipients, by) -> ReportSubscription:
    """Create or change one's own subscription; its filters are validated as the owner sees them."""
    if not can_subscribe(by):
        raise PermissionDenied(_("You cannot subscribe to reports."))
    if subscription is not None and not can_manage_subscription(by, subscription):
        raise PermissionDenied(_("Only the owner can change a subscription."))
    definition = _report_for(data["report"], by)
    clean = _valid_params(definition, by, data.get("params") or {})
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    with transaction.atomic():
        subscription = subscription or ReportSubscription(owner=by)
        for name in ("name", "format", "frequency", "weekday", "day_of_month", "active"):
            if name in data:
                setattr(subscription, name, data[name])
        subscription.report, subscription.params = definition.slug, clean
        subscription.full_clean(exclude=["owner", "recipients"])
        subscription.save()
        subscription.recipients.set(recipients)
    return subscription


def subscription_delete(*, subscription: ReportSubscription, by) -> None:
    if not can_manage_subscription(by, subscription):
        raise PermissionDenied(_("Only the owner can delete a subscription."))
    subscription.delete()


def due_period(subscription: ReportSubscription, today: datetime.date) -> str | None:
    """The period this subscription owes today, or ``None``.

    Weekly on weekday W: week ``YYYY-Www`` is due from its day W on.
    Monthly on day D: month ``YYYY-MM`` is due from its day D on. A period
    whose day came before the subscription existed is not owed (no e-mail
    for the past right after subscribing).
    """
    created = timezone.localdate(subscription.created_at) if subscription.created_at else today
    if subscription.frequency == Frequency.WEEKLY:
        scheduled = today - datetime.timedelta(days=today.weekday() - subscription.weekday)
        year, week, _weekday = today.isocalendar()
        period = f"{year}-W{week:02d}"
    else:
        scheduled = today.replace(day=subscription.day_of_month)
        period = f"{today:%Y-%m}"
    if scheduled > today or scheduled < created:
        return None
    return period


def send_due_subscriptions(*, today: datetime.date | None = None) -> int:
    """E-mail every subscription due today; each period exactly once, however often this runs.

    The delivery row (unique per subscription and period) is written in the
    same transaction as the sending: a second run finds it and skips; two
    concurrent runs collide on the unique constraint and one gives way. Each
    recipient gets their own e-mail, with the report computed with their own
    permissions and in their language.
    """
    today = today or timezone.localdate()
    sent = 0
    subscriptions = (
        ReportSubscription.objects.active().select_related("owner").prefetch_related("recipients").order_by("pk")
    )
    for subscription in subscriptions:
        period = due_period(subscription, today)
        if period is None or subscription.last_period_sent == period:
            continue
        try:
            with transaction.atomic():
                if SubscriptionDelivery.objects.filter(subscription=subscription, period=period).exists():
                    continue
                delivery = SubscriptionDelivery.objects.create(subscription=subscription, period=period)
                delivery.recipients = _deliver(subscription, period)
                delivery.save(update_fields=["recipients"])
                ReportSubscription.objects.filter(pk=subscription.pk).update(last_period_sent=period)
                sent += 1
        except IntegrityError:
            continue  # another run is sending this period
    return sent


def _deliver(subscription: ReportSubscription, period: str) -> int:
    report = get_report(subscription.report)
    if report is None:
        return 0
    count = 0
    for recipient in subscription.recipients.all():
        if not recipient.is_active or not recipient.email or not report.available_to(recipient):
            continue
        with as_reader(recipient):
            try:
                result = report.run(recipient, subscription.params)
            except ReportParamsInvalid:
                logger.warning("subscription %s: filters not valid for %s", subscription.pk, recipient.pk)
                continue
            content = exports.render(result, subscription.format)
            subject = _("%(report)s — %(name)s (%(period)s)") % {
                "report": report.title,
                "name": subscription.name,
                "period": period,
            }
            body = render_to_string(
                "reports/subscription_email.txt",
                {
                    "recipient": recipient,
                    "subscription": subscription,
                    "result": result,
                    "period": period,
                    "link": f"{settings.MRM_BASE_URL}/reports/{report.slug}/?{result.query_string}",
                },
            )
        message = EmailMessage(subject=subject, body=body, to=[recipient.email])
        message.attach(
            exports.file_name(result, subscription.format), content, exports.CONTENT_TYPES[subscription.format]
        )
        message.send()
        count += 1
    return count
