"""Kinds and statuses of reports, exports, runs and subscriptions (PRODUCT.md §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnType(models.TextChoices):
    """How a report column is typed: drives the page, the CSV, the XLSX number formats and the PDF."""

    TEXT = "text", _("Text")
    INT = "int", _("Whole number")
    DECIMAL = "decimal", _("Number")
    MONEY = "money", _("Money")
    PERCENT = "percent", _("Percentage")
    DATE = "date", _("Date")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class RunStatus(models.TextChoices):
    """A background export: ``queued → running → done | failed``."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUN_STATUS_BADGE = {
    RunStatus.QUEUED: "bg-secondary-lt",
    RunStatus.RUNNING: "bg-blue-lt",
    RunStatus.DONE: "bg-green-lt",
    RunStatus.FAILED: "bg-red-lt",
}
FINISHED_RUN_STATUSES = (RunStatus.DONE, RunStatus.FAILED)


class SubscriptionFormat(models.TextChoices):
    """What a subscription e-mails: a PDF to read or an XLSX to work with."""

    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ChartKind(models.TextChoices):
    BAR = "bar", _("Bar chart")
    STACKED_BAR = "stacked_bar", _("Stacked bar chart")
    LINE = "line", _("Line chart")
