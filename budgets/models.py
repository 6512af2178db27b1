"""Finance's structure and accounting's actual spend (PRODUCT.md §4).

Fiscal years are divided into periods (quarters or months) that never
overlap within a year; expense categories mirror finance's chart of
accounts as a tree; a budget allocation is the amount planned for one
period × team × category. Accounting exports are kept as import batches and
their lines as :class:`ActualLine`, which wait in the unmapped queue until
they are matched to an approved funding request.

Every money object keeps its history (django-simple-history): who changed
what and when.
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.choices import (
    ACTUAL_LINE_STATUS_BADGE,
    FUNDING_STATUS_BADGE,
    ActualLineStatus,
    FundingRequestStatus,
    ImportKind,
    PeriodKind,
)
from budgets.querysets import (
    ActualLineQuerySet,
    BudgetAllocationQuerySet,
    FinanceOnlyQuerySet,
    FinanceStructureQuerySet,
    FundingRequestQuerySet,
    SpendQuerySet,
)
from mrm import bounds
from mrm.bounds import validate_date_in_window

MONEY = bounds.MONEY  # every money column: max digits and places defined once (mrm/bounds.py)


class FiscalYear(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True, help_text=_("For example FY2027."))
    start_date = models.DateField(_("start date"), validators=[validate_date_in_window])
    end_date = models.DateField(_("end date"), validators=[validate_date_in_window])

    history = HistoricalRecords()
    objects = FinanceStructureQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="budgets_fiscalyear_end_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})


class FiscalPeriod(models.Model):
    """A quarter or month of a fiscal year.

    Periods of one year never overlap: :meth:`clean` says which period is in
    the way, and on PostgreSQL an exclusion constraint (migration 0002) keeps
    the rule even for writes that bypass validation.
    """

    year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="periods", verbose_name=_("year"))
    name = models.CharField(_("name"), max_length=40, help_text=_("For example Q1 2027."))
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER)
    start_date = models.DateField(_("start date"), validators=[validate_date_in_window])
    end_date = models.DateField(_("end date"), validators=[validate_date_in_window])

    history = HistoricalRecords()
    objects = FinanceStructureQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("fiscal period")
        verbose_name_plural = _("fiscal periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="budgets_fiscalperiod_unique_year_name"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="budgets_fiscalperiod_end_not_before_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date must not be before the start date.")
        year = self.year if self.year_id else None
        if year and self.start_date and self.end_date and not errors:
            if self.start_date < year.start_date or self.end_date > year.end_date:
                errors["__all__"] = _("The period must lie within %(year)s (%(start)s – %(end)s).") % {
                    "year": year.name,
                    "start": year.start_date.isoformat(),
                    "end": year.end_date.isoformat(),
                }
            else:
                clash = (
                    FiscalPeriod.objects.filter(year=year, start_date__lte=self.end_date, end_date__gte=self.start_date)
                    .exclude(pk=self.pk)
                    .first()
                )
                if clash:
                    errors["__all__"] = _("The period overlaps %(period)s (%(start)s – %(end)s).") % {
                        "period": clash.name,
                        "start": clash.start_date.isoformat(),
                        "end": clash.end_date.isoformat(),
                    }
        if errors:
            raise ValidationError(errors)


class ExpenseCategory(models.Model):
    """A line of finance's chart of accounts that marketing spend is classified by."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    gl_account = models.CharField(_("GL account"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = FinanceStructureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")

    def __str__(self) -> str:
        return f"{self.code} · {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the reader's language: Russian readers see ``name_ru`` when there is one."""
        if self.name_ru and (translation.get_language() or "").startswith("ru"):
            return self.name_ru
        return self.name

    def clean(self):
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A category cannot be placed under itself or its own child.")})
                seen.add(ancestor.pk)
                ancestor = ancestor.parent


class BudgetAllocation(models.Model):
    """The amount planned for one period, team and category."""

    period = models.ForeignKey(
        FiscalPeriod, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("period")
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="budget_allocations", verbose_name=_("team")
    )
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("category")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = BudgetAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["period__start_date", "team__name", "category__code"]
        verbose_name = _("budget allocation")
        verbose_name_plural = _("budget allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "team", "category"], name="budgets_allocation_unique_period_team_category"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budgets_allocation_amount_not_negative",
                violation_error_message=_("An allocation cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.team} · {self.category.code}: {self.amount}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("An allocation cannot be negative.")})


class ImportSource(models.Model):
    """An accounting system's export format: which column holds what, and how it is written.

    Column fields take the header's text (``Сумма``) or a 1-based column
    number (``4``). Kept per source, so each month's export imports with the
    same mapping.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    encoding = models.CharField(
        _("encoding"), max_length=20, default="cp1251", help_text=_("For example cp1251 or utf-8.")
    )
    delimiter = models.CharField(_("delimiter"), max_length=2, default=";", help_text=_("Use \\t for a tab."))
    decimal_comma = models.BooleanField(_("decimal comma"), default=True, help_text=_("Amounts are written 1 500,00."))
    date_format = models.CharField(
        _("date format"), max_length=20, default="%d.%m.%Y", help_text=_("Python notation, for example %d.%m.%Y.")
    )
    date_column = models.CharField(_("date column"), max_length=100)
    document_number_column = models.CharField(_("document number column"), max_length=100)
    vendor_column = models.CharField(_("vendor column"), max_length=100, blank=True)
    amount_column = models.CharField(_("amount column"), max_length=100)
    gl_account_column = models.CharField(_("GL account column"), max_length=100, blank=True)
    category_column = models.CharField(_("category column"), max_length=100, blank=True)
    comment_column = models.CharField(_("comment column"), max_length=100, blank=True)
    reference_column = models.CharField(_("reference column"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = FinanceOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")

    def __str__(self) -> str:
        return self.name

    @property
    def csv_delimiter(self) -> str:
        return "\t" if self.delimiter in ("\\t", "\t") else self.delimiter

    def clean(self):
        if self.delimiter and len(self.csv_delimiter) != 1:
            raise ValidationError({"delimiter": _("The delimiter must be a single character.")})
        if self.encoding:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValidationError({"encoding": _("Unknown encoding.")}) from None


class ImportBatch(models.Model):
    """One uploaded file: previewed first (dry run), applied once on confirmation.

    The file is kept so that what is confirmed is exactly what was previewed,
    and so that finance can see later what was imported, when and by whom.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    source = models.ForeignKey(
        ImportSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("import source"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = FinanceOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class ActualLine(models.Model):
    """One line of actual spend exported by accounting.

    ``fingerprint`` identifies the line across re-exports (document number,
    date and amount; the whole row when there is no document number), so
    importing the same or an overlapping file again adds nothing twice.
    """

    source = models.ForeignKey(
        ImportSource, on_delete=models.PROTECT, related_name="lines", verbose_name=_("import source")
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="lines", verbose_name=_("import"))
    line_number = models.PositiveIntegerField(_("line number"))
    date = models.DateField(_("date"), validators=[validate_date_in_window])
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    vendor = models.CharField(_("vendor"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    gl_account = models.CharField(_("GL account"), max_length=40, blank=True)
    category_name = models.CharField(_("category in the export"), max_length=200, blank=True)
    category = models.ForeignKey(
        ExpenseCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actual_lines",
        verbose_name=_("category"),
    )
    comment = models.TextField(_("comment"), blank=True)
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    request_number = models.CharField(
        _("funding request number"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Found in the comment or reference, for example FR-2027-0001."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActualLineStatus.choices, default=ActualLineStatus.UNMAPPED
    )
    status_note = models.CharField(_("status note"), max_length=255, blank=True)
    raw = models.JSONField(_("raw data"), default=dict)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ActualLineQuerySet.as_manager()

    class Meta:
        ordering = ["date", "source", "line_number"]
        verbose_name = _("actual line")
        verbose_name_plural = _("actual lines")
        constraints = [
            models.UniqueConstraint(fields=["source", "fingerprint"], name="budgets_actualline_unique_source_line"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.document_number} {self.amount}"

    @property
    def status_badge(self) -> str:
        return ACTUAL_LINE_STATUS_BADGE.get(self.status, "bg-secondary-lt")


class FundingRequestSequence(models.Model):
    """The last number handed out per year, so ``FR-<year>-<seq>`` never repeats.

    The row of the year is locked (``select_for_update``) while a number is
    taken: two requests created at the same moment get consecutive numbers.
    """

    year = models.PositiveIntegerField(_("year"), unique=True)
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("funding request number sequence")
        verbose_name_plural = _("funding request number sequences")

    def __str__(self) -> str:
        return f"FR-{self.year}: {self.last_value}"


class FundingRequest(models.Model):
    """Money asked for a campaign, for one period and category, and why (PRODUCT.md §4).

    ``number`` (``FR-2027-0001``) is what finance quotes on POs and invoices
    and what accounting exports carry. The status moves only through
    :mod:`budgets.services` and the approvals engine's decisions; money may be
    committed or spent only against an approved (or partially approved) one.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="funding_requests", verbose_name=_("campaign")
    )
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="funding_requests", verbose_name=_("category")
    )
    period = models.ForeignKey(
        FiscalPeriod, on_delete=models.PROTECT, related_name="funding_requests", verbose_name=_("period")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    justification = models.TextField(_("justification"), help_text=_("Why the money is needed."))
    expected_leads = models.PositiveIntegerField(_("expected leads"), null=True, blank=True)
    expected_revenue = models.DecimalField(_("expected revenue"), null=True, blank=True, **MONEY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="funding_requests",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FundingRequestStatus.choices,
        default=FundingRequestStatus.DRAFT,
        editable=False,
    )
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, editable=False, **MONEY)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        db_default="",  # rows written by older migrations' code (and raw SQL) get it too
        help_text=_("The row's key in the spreadsheet it was imported from: importing it again updates this one."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budgets_fundingrequest_amount_positive",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gt=0) & Q(approved_amount__lte=models.F("amount"))),
                name="budgets_fundingrequest_approved_within_amount",
                violation_error_message=_("The approved amount must be above zero and not above the amount asked."),
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="budgets_fundingrequest_unique_external_ref",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["period", "category"]),
            # The API's and the pages' order (newest first): a page is read from the index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="budgets_fundingrequest_newest"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New funding request"))

    def get_absolute_url(self) -> str:
        return reverse("budgets:request_detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return FUNDING_STATUS_BADGE.get(self.status, "bg-secondary-lt")

    @property
    def is_funded(self) -> bool:
        from budgets.choices import FUNDED_STATUSES

        return self.status in FUNDED_STATUSES


def spend_attachment_path(instance, filename: str) -> str:
    """Uploads live outside any public URL: ``spend/<kind>/<uuid>.<ext>``, served only by an authorised view."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"spend/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class SpendRecord(models.Model):
    """What commitments and expenses share: money against one funded request of the same campaign."""

    funding_request = models.ForeignKey(
        FundingRequest, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("funding request")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("campaign")
    )
    vendor = models.CharField(_("vendor"), max_length=255)
    amount = models.DecimalField(_("amount"), **MONEY)
    date = models.DateField(_("date"), validators=[validate_date_in_window])
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("PO or invoice number."))
    note = models.CharField(_("note"), max_length=255, blank=True)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        db_default="",  # rows written by older migrations' code (and raw SQL) get it too
        help_text=_("The row's key in the spreadsheet it was imported from: importing it again updates this one."),
    )
    attachment = models.FileField(_("attachment"), upload_to=spend_attachment_path, blank=True, max_length=255)
    attachment_name = models.CharField(_("attachment name"), max_length=150, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SpendQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.funding_request.number} · {self.vendor} · {self.amount}"


class Commitment(SpendRecord):
    """Money promised to a vendor (a PO, a contract) against a funded request."""

    history = HistoricalRecords()

    class Meta(SpendRecord.Meta):
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="budgets_commitment_amount_not_zero"),
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="budgets_commitment_unique_external_ref"
            ),
        ]
        # The lists' ordering (newest first): without it the finance expense list sorted 100k rows per page.
        indexes = [models.Index(fields=["-date", "-id"], name="budgets_commitment_newest")]

    def get_absolute_url(self) -> str:
        return reverse("budgets:request_detail", args=[self.funding_request_id]) + f"#commitment-{self.pk}"


class Expense(SpendRecord):
    """Money spent (an invoice, or a line of accounting's export) against a funded request.

    Negative amounts are refunds and corrections (recorded by finance or
    matched from accounting); they reduce the spent sum.
    """

    actual_line = models.OneToOneField(
        ActualLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expense",
        verbose_name=_("accounting line"),
    )

    history = HistoricalRecords()

    class Meta(SpendRecord.Meta):
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="budgets_expense_amount_not_zero"),
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="budgets_expense_unique_external_ref"
            ),
        ]
        # The lists' ordering (newest first): without it the finance expense list sorted 100k rows per page.
        # A request's spend from the index alone: a budget line's figures add up the expenses of every
        # request on the line, ~1 000 requests for a page of 50 at scale 1 (issue 16), without reading
        # the table's rows (PostgreSQL; elsewhere an index on the request).
        indexes = [
            models.Index(fields=["-date", "-id"], name="budgets_expense_newest"),
            models.Index(fields=["funding_request"], include=["amount"], name="budgets_expense_request_amount"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("budgets:request_detail", args=[self.funding_request_id]) + f"#expense-{self.pk}"
