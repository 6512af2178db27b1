"""Saved views, background exports and e-mail subscriptions of reports (PRODUCT.md §6).

A report itself is code (:mod:`reports.registry`); what is stored is who
asked for which report with which parameters: a saved view to come back to
or share, a run producing a file in the background, a subscription e-mailing
it on a schedule, and one delivery row per subscription and period so that a
period is never sent twice.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mrm.spreadsheets import CSV_DIALECT_CHOICES
from reports.choices import RUN_STATUS_BADGE, ExportFormat, Frequency, RunStatus, SubscriptionFormat, Weekday
from reports.querysets import OwnedQuerySet, ReportRunQuerySet, SavedViewQuerySet


class SavedReportView(models.Model):
    """A report with its filters, named; ``shared`` lets every colleague open it by its link."""

    report = models.CharField(_("report"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("link name"), max_length=140, unique=True, editable=False)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_report_views", verbose_name=_("owner")
    )
    shared = models.BooleanField(
        _("shared"), default=False, help_text=_("Colleagues may open it; each sees only what they may see.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["report", "name"]
        verbose_name = _("saved report view")
        verbose_name_plural = _("saved report views")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:saved_view", args=[self.slug])


def report_file_path(instance, filename: str) -> str:
    """Files live outside any public URL, served only to their requester by an authorised view."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"reports/runs/{uuid.uuid4().hex}{suffix}"


class ReportRun(models.Model):
    """One export of a report, made in the background: ``queued → running → done | failed``."""

    report = models.CharField(_("report"), max_length=60)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    dialect = models.CharField(
        _("CSV dialect"),
        max_length=2,
        choices=CSV_DIALECT_CHOICES,
        blank=True,
        help_text=_("For CSV: the separators chosen when asking; empty follows the requester's language."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_runs", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=report_file_path, blank=True, max_length=255)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When it was last queued (asked for, or restarted by the sweeper): the sweeper's clock for a lost message.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # How many times a worker started it, and the task message running it now: a redelivery of
    # that message means its worker was lost (reports.services.report_run_execute).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reports_run_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.format} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reports:run", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return RUN_STATUS_BADGE.get(self.status, "bg-secondary-lt")

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == RunStatus.DONE and bool(self.file)

    @property
    def was_restarted(self) -> bool:
        """An earlier start stopped before finishing (its worker was lost): queued or running again."""
        return self.attempts > 1 or (self.status == RunStatus.QUEUED and self.attempts >= 1)


class ReportSubscription(models.Model):
    """A report with its filters e-mailed on a schedule to chosen people (PRODUCT.md §6)."""

    report = models.CharField(_("report"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=SubscriptionFormat.choices, default="pdf")
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="report_subscriptions_received", verbose_name=_("recipients")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY, help_text=_("For weekly subscriptions.")
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("For monthly subscriptions: 1 to 28, so every month has it."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions", verbose_name=_("owner")
    )
    active = models.BooleanField(_("active"), default=True)
    last_period_sent = models.CharField(_("last period sent"), max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28), name="reports_subscription_day_1_28"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="reports_subscription_weekday"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:subscription_edit", args=[self.pk])


class SubscriptionDelivery(models.Model):
    """A period of a subscription, sent: unique, so a period goes out exactly once however often the job runs."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2026-W47 or 2026-11."))
    recipients = models.PositiveIntegerField(_("e-mails sent"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("subscription delivery")
        verbose_name_plural = _("subscription deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period"], name="reports_delivery_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.period}"
