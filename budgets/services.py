"""Every write on finance's structure and accounting actuals.

Each service checks that the caller may write (finance or admin, §2),
validates, locks what concurrent writers could race on, writes, and leaves
an audit trail (django-simple-history records ``by``). Views, the API, the
admin actions and the demo data all go through these functions.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Team
from budgets.choices import ActualLineStatus, ImportKind, PeriodKind, RowOutcome
from budgets.imports.actuals import plan_actuals, read_source_table
from budgets.imports.allocations import plan_allocations
from budgets.imports.categories import plan_categories
from budgets.imports.plans import ImportPlan
from budgets.imports.tabular import MAX_UPLOAD_BYTES, read_table
from budgets.matching import match_actual_lines
from budgets.models import (
    ActualLine,
    BudgetAllocation,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    ImportBatch,
    ImportSource,
)
from budgets.permissions import require_budget_maintainer
from mrm.exceptions import StateConflict


def _save(obj, *, by, **kwargs):
    """Validate and save, recording ``by`` in the object's history."""
    obj.full_clean()
    obj._history_user = by
    obj.save(**kwargs)
    return obj


# --- fiscal years and periods -------------------------------------------------


def period_bounds(*, start_date: datetime.date, end_date: datetime.date, kind: str) -> list[tuple]:
    """The (index, start, end) of each quarter or month from ``start_date`` to ``end_date``."""
    step = relativedelta(months=3 if kind == PeriodKind.QUARTER else 1)
    bounds, start, index = [], start_date, 1
    while start <= end_date:
        end = min(start + step - datetime.timedelta(days=1), end_date)
        bounds.append((index, start, end))
        start, index = start + step, index + 1
    return bounds


def period_name(*, year: FiscalYear, kind: str, index: int, start: datetime.date) -> str:
    """``Q1 2027`` for quarters (``Q1 FY2028`` when the year does not start in January), ``2027-01`` for months."""
    if kind == PeriodKind.MONTH:
        return start.strftime("%Y-%m")
    label = str(year.start_date.year) if (year.start_date.month, year.start_date.day) == (1, 1) else year.name
    return f"Q{index} {label}"


@transaction.atomic
def fiscal_year_create(
    *, name: str, start_date: datetime.date, end_date: datetime.date | None = None, period_kind: str, by
) -> FiscalYear:
    """A fiscal year with its four quarters or twelve months, so finance can allocate at once."""
    require_budget_maintainer(by)
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose quarters or months.")})
    end_date = end_date or (start_date + relativedelta(years=1) - datetime.timedelta(days=1))
    year = _save(FiscalYear(name=name.strip(), start_date=start_date, end_date=end_date), by=by)
    for index, start, end in period_bounds(start_date=start_date, end_date=end_date, kind=period_kind):
        _save(
            FiscalPeriod(
                year=year,
                name=period_name(year=year, kind=period_kind, index=index, start=start),
                kind=period_kind,
                start_date=start,
                end_date=end,
            ),
            by=by,
        )
    return year


@transaction.atomic
def fiscal_year_update(*, year: FiscalYear, name: str, start_date: datetime.date, end_date: datetime.date, by):
    """Rename or move a year; its periods must still fit inside it."""
    require_budget_maintainer(by)
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    year.name, year.start_date, year.end_date = name.strip(), start_date, end_date
    outside = year.periods.exclude(start_date__gte=start_date, end_date__lte=end_date).first()
    if outside:
        raise ValidationError(
            _("The period %(period)s would fall outside the year. Change or delete it first.")
            % {"period": outside.name}
        )
    return _save(year, by=by)


@transaction.atomic
def fiscal_year_delete(*, year: FiscalYear, by) -> None:
    """A year goes only while nothing is planned in it: allocations keep their periods."""
    require_budget_maintainer(by)
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    if BudgetAllocation.objects.filter(period__year=year).exists():
        raise StateConflict(_("%(year)s has budget allocations; delete them first.") % {"year": year.name})
    for period in year.periods.all():
        period._history_user = by
        period.delete()
    year._history_user = by
    year.delete()


@transaction.atomic
def fiscal_period_create(
    *, year: FiscalYear, name: str, kind: str, start_date: datetime.date, end_date: datetime.date, by
) -> FiscalPeriod:
    """A period inside its year that overlaps no other (the year row is locked meanwhile)."""
    require_budget_maintainer(by)
    year = FiscalYear.objects.select_for_update().get(pk=year.pk)
    period = FiscalPeriod(year=year, name=name.strip(), kind=kind, start_date=start_date, end_date=end_date)
    return _save_period(period, by=by)


@transaction.atomic
def fiscal_period_update(
    *, period: FiscalPeriod, name: str, kind: str, start_date: datetime.date, end_date: datetime.date, by
) -> FiscalPeriod:
    require_budget_maintainer(by)
    FiscalYear.objects.select_for_update().get(pk=period.year_id)
    period = FiscalPeriod.objects.select_related("year").get(pk=period.pk)
    period.name, period.kind, period.start_date, period.end_date = name.strip(), kind, start_date, end_date
    return _save_period(period, by=by)


def _save_period(period: FiscalPeriod, *, by) -> FiscalPeriod:
    try:
        with transaction.atomic():
            return _save(period, by=by)
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint caught a race
        raise ValidationError(_("The period overlaps another period of the year.")) from exc


@transaction.atomic
def fiscal_period_delete(*, period: FiscalPeriod, by) -> None:
    require_budget_maintainer(by)
    period = FiscalPeriod.objects.select_for_update().get(pk=period.pk)
    if period.allocations.exists():
        raise StateConflict(_("%(period)s has budget allocations; delete them first.") % {"period": period.name})
    period._history_user = by
    period.delete()


# --- expense categories -----------------------------------------------------------

CATEGORY_FIELDS = ("code", "name", "name_ru", "parent", "gl_account", "is_active")


@transaction.atomic
def category_create(*, by, **fields) -> ExpenseCategory:
    """A category of finance's chart of accounts."""
    require_budget_maintainer(by)
    return _save(ExpenseCategory(**{k: v for k, v in fields.items() if k in CATEGORY_FIELDS}), by=by)


@transaction.atomic
def category_update(*, category: ExpenseCategory, by, **fields) -> ExpenseCategory:
    """Change a category; the tree stays a tree (a category never lands under its own child)."""
    require_budget_maintainer(by)
    category = ExpenseCategory.objects.select_for_update().get(pk=category.pk)
    for key, value in fields.items():
        if key in CATEGORY_FIELDS:
            setattr(category, key, value)
    return _save(category, by=by)


@transaction.atomic
def category_delete(*, category: ExpenseCategory, by) -> None:
    """Delete an unused category; one in use (children, allocations, lines) is deactivated instead."""
    require_budget_maintainer(by)
    category._history_user = by
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError as exc:
        raise StateConflict(
            _("%(code)s is in use (sub-categories, allocations or accounting lines). Deactivate it instead.")
            % {"code": category.code}
        ) from exc


# --- budget allocations -----------------------------------------------------------


def _allocation_fields(*, period, team, category, amount, note) -> dict:
    if amount is None:
        raise ValidationError({"amount": _("Enter an amount.")})
    if not isinstance(amount, Decimal):
        raise ValidationError({"amount": _("The amount must be a decimal number.")})
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("The category %(code)s is inactive.") % {"code": category.code}})
    return {"period": period, "team": team, "category": category, "amount": amount, "note": note or ""}


@transaction.atomic
def allocation_create(*, period: FiscalPeriod, team: Team, category: ExpenseCategory, amount: Decimal, note="", by):
    """Plan money for one period × team × category; there is one allocation per such cell."""
    require_budget_maintainer(by)
    fields = _allocation_fields(period=period, team=team, category=category, amount=amount, note=note)
    return _save(BudgetAllocation(**fields), by=by)


@transaction.atomic
def allocation_update(*, allocation: BudgetAllocation, by, **changes) -> BudgetAllocation:
    require_budget_maintainer(by)
    allocation = BudgetAllocation.objects.select_for_update().get(pk=allocation.pk)
    current = {key: getattr(allocation, key) for key in ("period", "team", "category", "amount", "note")}
    current.update({k: v for k, v in changes.items() if k in current})
    for key, value in _allocation_fields(**current).items():
        setattr(allocation, key, value)
    return _save(allocation, by=by)


@transaction.atomic
def allocation_set(
    *, period: FiscalPeriod, team: Team, category: ExpenseCategory, amount: Decimal | None, note: str | None = None, by
) -> BudgetAllocation | None:
    """Set the amount of one grid cell: create, change, or (empty amount) remove the allocation.

    The period row is locked so two people editing the same cell do not
    both create it.
    """
    require_budget_maintainer(by)
    FiscalPeriod.objects.select_for_update().get(pk=period.pk)
    allocation = (
        BudgetAllocation.objects.select_for_update().filter(period=period, team=team, category=category).first()
    )
    if amount is None:
        if allocation:
            allocation._history_user = by
            allocation.delete()
        return None
    if allocation is None:
        return allocation_create(period=period, team=team, category=category, amount=amount, note=note or "", by=by)
    changes = {"amount": amount} if note is None else {"amount": amount, "note": note}
    return allocation_update(allocation=allocation, by=by, **changes)


@transaction.atomic
def allocation_delete(*, allocation: BudgetAllocation, by) -> None:
    require_budget_maintainer(by)
    allocation._history_user = by
    allocation.delete()


# --- imports ---------------------------------------------------------------------


@transaction.atomic
def import_upload(*, kind: str, file_name: str, content: bytes, by, source: ImportSource | None = None):
    """Keep an uploaded file for a dry run and return it with its plan; nothing else is written.

    The plan (new, changed, unchanged, duplicate or error per row, with line
    numbers) is what Confirm will apply; a file that cannot be read at all is
    refused here with the reason.
    """
    require_budget_maintainer(by)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Unknown import kind.")})
    if kind == ImportKind.ACTUALS and source is None:
        raise ValidationError({"source": _("Choose the accounting system the file comes from.")})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    batch = ImportBatch(
        kind=kind,
        source=source if kind == ImportKind.ACTUALS else None,
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    plan = import_plan(batch)  # raises for an unreadable file before anything is kept
    batch.summary = {"preview": plan.counts()}
    batch.save()
    return batch, plan


def import_plan(batch: ImportBatch) -> ImportPlan:
    """The dry run: what applying ``batch`` would do right now, computed without writing."""
    content = bytes(batch.content)
    if batch.kind == ImportKind.ACTUALS:
        return plan_actuals(batch.source, read_source_table(batch.source, content, batch.file_name))
    table = read_table(content, batch.file_name)
    if batch.kind == ImportKind.CATEGORIES:
        return plan_categories(table)
    return plan_allocations(table)


@transaction.atomic
def import_apply(*, batch: ImportBatch, by) -> dict:
    """Apply a previewed import once.

    Categories and allocations apply all or nothing: a file with any row in
    error is refused, so finance's structure never ends up half-imported.
    Accounting actuals apply every readable line and keep the broken ones'
    line numbers and reasons in the import's summary: an accounting export
    cannot be edited by finance, and one broken line must not hold back the
    rest. Lines imported before (same source, document number, date and
    amount) are skipped, so importing a file again adds nothing.
    """
    require_budget_maintainer(by)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_applied:
        raise StateConflict(_("This file was already imported on %(when)s.") % {"when": batch.applied_at.isoformat()})
    if batch.source_id:
        ImportSource.objects.select_for_update().get(pk=batch.source_id)  # one import per source at a time
    plan = import_plan(batch)
    if batch.kind == ImportKind.CATEGORIES:
        _refuse_errors(plan)
        result = _apply_categories(plan, by=by)
    elif batch.kind == ImportKind.ALLOCATIONS:
        _refuse_errors(plan)
        result = _apply_allocations(plan, by=by)
    else:
        result = _apply_actuals(batch, plan, by=by)
    result["counts"] = plan.counts()
    result["errors"] = [{"line": row.line, "errors": row.errors} for row in plan.errors]
    batch.summary = {**batch.summary, "result": result}
    batch.applied_at = timezone.now()
    batch.applied_by = by
    batch.save(update_fields=["summary", "applied_at", "applied_by"])
    return result


def _refuse_errors(plan: ImportPlan) -> None:
    if plan.has_errors:
        raise ValidationError(
            [_("Nothing was imported: fix these lines and upload the file again.")]
            + [
                _("Line %(line)s: %(errors)s") % {"line": row.line, "errors": "; ".join(row.errors)}
                for row in plan.errors
            ]
        )


def _apply_categories(plan: ImportPlan, *, by) -> dict:
    existing = {c.code: c for c in ExpenseCategory.objects.select_for_update()}
    touched = []
    for row in plan.rows:
        if row.outcome not in (RowOutcome.NEW, RowOutcome.CHANGED):
            continue
        data = row.data
        category = existing.get(data["code"]) or ExpenseCategory(code=data["code"])
        category.name = data["name"]
        for key in ("name_ru", "gl_account"):
            if data[key] is not None:
                setattr(category, key, data[key])
        if "is_active" in data:
            category.is_active = data["is_active"]
        if category.pk is None:
            category.parent = None  # parents are linked below, once every code exists
        category._history_user = by
        category.save()
        existing[category.code] = category
        touched.append((category, data["parent_code"]))
    for category, parent_code in touched:
        if parent_code is None:
            continue
        parent = existing.get(parent_code) if parent_code else None
        if category.parent_id != (parent.pk if parent else None):
            category.parent = parent
            _save(category, by=by)
    return {"created": plan.counts()[RowOutcome.NEW], "changed": plan.counts()[RowOutcome.CHANGED]}


def _apply_allocations(plan: ImportPlan, *, by) -> dict:
    periods = {p.pk: p for p in FiscalPeriod.objects.select_for_update()}
    teams = {t.pk: t for t in Team.objects.all()}
    categories = {c.pk: c for c in ExpenseCategory.objects.all()}
    for row in plan.rows:
        if row.outcome not in (RowOutcome.NEW, RowOutcome.CHANGED):
            continue
        data = row.data
        allocation_set(
            period=periods[data["period_id"]],
            team=teams[data["team_id"]],
            category=categories[data["category_id"]],
            amount=Decimal(data["amount"]),
            note=data["note"],
            by=by,
        )
    return {"created": plan.counts()[RowOutcome.NEW], "changed": plan.counts()[RowOutcome.CHANGED]}


def _apply_actuals(batch: ImportBatch, plan: ImportPlan, *, by) -> dict:
    lines = [
        ActualLine(
            source=batch.source,
            batch=batch,
            line_number=row.line,
            date=datetime.date.fromisoformat(row.data["date"]),
            document_number=row.data["document_number"],
            vendor=row.data["vendor"],
            amount=Decimal(row.data["amount"]),
            gl_account=row.data["gl_account"],
            category_name=row.data["category_name"],
            category_id=row.data["category_id"],
            comment=row.data["comment"],
            reference=row.data["reference"],
            request_number=row.data["request_number"],
            raw=row.data["raw"],
            fingerprint=row.data["fingerprint"],
        )
        for row in plan.rows
        if row.outcome == RowOutcome.NEW
    ]
    created = bulk_create_with_history(lines, ActualLine, default_user=by)
    saved = list(ActualLine.objects.filter(batch=batch).order_by("line_number"))
    mapped = match_actual_lines(saved)
    return {
        "created": len(created),
        "duplicates": plan.counts()[RowOutcome.DUPLICATE],
        "mapped": mapped,
        "unmapped": len(saved) - mapped,
    }


@transaction.atomic
def actual_line_set_status(*, line: ActualLine, status: str, note: str = "", by) -> ActualLine:
    """Set a line aside as not marketing spend (``ignored``) or put it back in the queue (``unmapped``).

    Mapping a line to a funding request is not done here: it goes through
    the line matchers (:mod:`budgets.matching`), under spend control.
    """
    require_budget_maintainer(by)
    line = ActualLine.objects.select_for_update().get(pk=line.pk)
    allowed = {
        ActualLineStatus.UNMAPPED: {ActualLineStatus.IGNORED},
        ActualLineStatus.IGNORED: {ActualLineStatus.UNMAPPED},
    }
    if status not in allowed.get(line.status, set()):
        raise StateConflict(
            _("A line that is %(current)s cannot become %(status)s.")
            % {"current": line.get_status_display(), "status": ActualLineStatus(status).label}
        )
    if status == ActualLineStatus.IGNORED and not note.strip():
        raise ValidationError({"note": _("Say why the line is not marketing spend.")})
    line.status, line.status_note = status, note.strip()
    line._history_user = by
    line.save(update_fields=["status", "status_note"])
    return line


@transaction.atomic
def import_source_save(*, source: ImportSource, by) -> ImportSource:
    """Create or change an accounting source's column mapping."""
    require_budget_maintainer(by)
    return _save(source, by=by)


def import_previews_purge(*, older_than: datetime.timedelta = datetime.timedelta(days=7)) -> int:
    """Forget uploaded files that were previewed but never confirmed.

    A dry run keeps the file so that Confirm applies exactly what was shown;
    one nobody confirmed within a week is abandoned, and its content should
    not stay in the database. Applied imports are kept: they are the record
    of what was imported.
    """
    cutoff = timezone.now() - older_than
    deleted, _per_model = ImportBatch.objects.filter(applied_at__isnull=True, uploaded_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def actual_line_classify(*, line: ActualLine, category: ExpenseCategory | None, by) -> ActualLine:
    """Give an accounting line finance's category when the export's article did not name one.

    Only the classification changes; what accounting recorded (date, amount,
    vendor, raw row) never does.
    """
    require_budget_maintainer(by)
    line = ActualLine.objects.select_for_update().get(pk=line.pk)
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("The category %(code)s is inactive.") % {"code": category.code}})
    line.category = category
    line._history_user = by
    line.save(update_fields=["category"])
    return line
