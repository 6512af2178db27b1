from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    """How a fiscal year is divided: finance plans by quarter or by month."""

    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class ImportKind(models.TextChoices):
    """What an uploaded file feeds: finance's structure or accounting's actual spend."""

    CATEGORIES = "categories", _("Expense categories")
    ALLOCATIONS = "allocations", _("Budget allocations")
    ACTUALS = "actuals", _("Accounting actuals")


class ActualLineStatus(models.TextChoices):
    """Where an imported accounting line stands.

    ``unmapped`` lines count as spend without a request until someone maps
    them to an approved funding request (``mapped``) or sets them aside as
    not marketing spend (``ignored``).
    """

    UNMAPPED = "unmapped", _("Unmapped")
    MAPPED = "mapped", _("Mapped")
    IGNORED = "ignored", _("Ignored")


class RowOutcome(models.TextChoices):
    """What an import would do with one row of a file (shown in the dry-run preview)."""

    NEW = "new", _("Will be added")
    CHANGED = "changed", _("Will change")
    UNCHANGED = "unchanged", _("No change")
    DUPLICATE = "duplicate", _("Already imported")
    ERROR = "error", _("Error")
