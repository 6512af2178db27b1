"""Every write on finance's structure and accounting actuals.

Each service checks that the caller may write (finance or admin, §2),
validates, locks what concurrent writers could race on, writes, and leaves
an audit trail (django-simple-history records ``by``). Views, the API, the
admin actions and the demo data all go through these functions.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, Sum
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Team
from budgets.choices import ActualLineStatus, ImportKind, PeriodKind
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
from imports import progress
from imports.choices import RowOutcome
from imports.plans import ImportPlan, PlannedRow
from mrm.bounds import check_dates, parse_decimal
from mrm.exceptions import StateConflict
from mrm.templatetags.money import format_money
from outbox.events import publish


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
    check_dates(start_date=start_date, end_date=end_date)  # before any date arithmetic
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


def import_apply_categories(rows: list[PlannedRow], *, by) -> dict:
    """Apply a stored categories plan (the import engine's transaction): new and changed codes, then parents.

    Each save is recorded in the category's history with ``by``.
    """
    require_budget_maintainer(by)
    return _apply_categories(ImportPlan(rows=rows), by=by)


def import_apply_allocations(rows: list[PlannedRow], *, by) -> dict:
    """Apply a stored allocations plan through ``allocation_set`` (history and bounds as by hand)."""
    require_budget_maintainer(by)
    return _apply_allocations(ImportPlan(rows=rows), by=by)


def import_apply_actuals(*, job, source: ImportSource, rows: list[PlannedRow], by) -> dict:
    """Apply a stored actuals plan: its new lines become actual lines of one import batch, then are matched.

    The source is locked, so two imports of one source never interleave;
    a line imported meanwhile by another job (same fingerprint) is counted
    as a duplicate, never added twice. Lines in error stay on the job with
    their line numbers and reasons.
    """
    require_budget_maintainer(by)
    source = ImportSource.objects.select_for_update().get(pk=source.pk)
    batch = ImportBatch.objects.create(
        kind=ImportKind.ACTUALS,
        source=source,
        file_name=job.file_name[:255],
        content=b"",
        sha256=job.sha256,
        uploaded_by=job.created_by,
        applied_by=by,
        applied_at=timezone.now(),
        summary={"job": job.pk},
    )
    plan = ImportPlan(rows=rows)
    result = _apply_actuals(batch, plan, by=by)
    result["batch"] = batch.pk
    result["errors"] = [{"line": row.line, "errors": row.errors} for row in plan.errors]
    batch.summary = {**batch.summary, "result": result}
    batch.save(update_fields=["summary"])
    return result


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
    fresh = [row for row in plan.rows if row.outcome == RowOutcome.NEW]
    existing = set(ActualLine.objects.filter(source=batch.source).values_list("fingerprint", flat=True))
    taken = {row.data["fingerprint"] for row in fresh} & existing
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
        for row in fresh
        if row.data["fingerprint"] not in taken
    ]
    # The saved lines (with their ids) go to the matchers as they are, in the file's order: reading
    # 100 000 lines back would cost seconds and tell nothing new.
    progress.report(0.05)
    created = bulk_create_with_history(lines, ActualLine, default_user=by)
    progress.report(0.6)  # creating the lines is about two thirds of the work; matching reports the rest
    mapped = match_actual_lines(sorted(created, key=lambda line: line.line_number))
    return {
        "created": len(created),
        "duplicates": plan.counts()[RowOutcome.DUPLICATE] + len(taken),
        "mapped": mapped,
        "unmapped": len(created) - mapped,
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


# --- funding requests (PRODUCT.md §4) -------------------------------------------------

MAX_AMOUNT = Decimal("999999999999.99")
REQUEST_FIELDS = ("campaign", "category", "period", "amount", "justification", "expected_leads", "expected_revenue")


def _money(value, *, field: str, allow_negative: bool = False, allow_zero: bool = False) -> Decimal:
    """A money amount as a Decimal with at most two decimals, or a field error saying what is wrong."""
    if value in (None, ""):
        raise ValidationError({field: _("Enter an amount.")})
    amount = parse_decimal(value)  # ASCII digits only (mrm/bounds.py)
    if amount is None:
        raise ValidationError({field: _("Enter an amount such as 1500.00.")})
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) > MAX_AMOUNT:
        raise ValidationError({field: _("Enter an amount such as 1500.00 (at most two decimals).")})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: _("The amount must not be zero.")})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: _("The amount must be above zero.")})
    return amount


def period_mismatch(*, period, campaign) -> str | None:
    """Why a funding request of ``campaign`` cannot be in ``period``, or ``None`` when it can.

    The money is for the campaign, so the fiscal period it is booked in must
    share at least one day with the campaign's dates: a request for a 2027
    campaign does not belong to a 2026 period. The form, the API, the demo and
    anything else that writes requests go through :func:`_request_values`, so
    they all meet this rule; the message names the period that would fit.
    A campaign without dates (not possible today: both are required) leaves
    nothing to check.
    """
    from django.utils.formats import date_format

    from budgets.selectors import period_fits_campaign, proposed_period

    if period_fits_campaign(period, campaign):
        return None
    values = {
        "period": period.name,
        "period_start": date_format(period.start_date, "SHORT_DATE_FORMAT"),
        "period_end": date_format(period.end_date, "SHORT_DATE_FORMAT"),
        "code": campaign.code,
        "start": date_format(campaign.start_date, "SHORT_DATE_FORMAT"),
        "end": date_format(campaign.end_date, "SHORT_DATE_FORMAT"),
    }
    message = _(
        "The period %(period)s (%(period_start)s – %(period_end)s) does not overlap the campaign %(code)s "
        "(%(start)s – %(end)s), and no fiscal period covers the campaign's dates yet: ask finance to add one."
    )
    proposal = proposed_period(campaign)
    if proposal is not None:
        message = _(
            "The period %(period)s (%(period_start)s – %(period_end)s) does not overlap the campaign %(code)s "
            "(%(start)s – %(end)s): choose %(proposal)s or another period within the campaign's dates."
        )
        values["proposal"] = proposal.name
    return message % values


def _request_values(values: dict) -> dict:
    """Validate a funding request's fields: the rules a request must meet whoever writes it."""
    from campaigns.choices import CampaignStatus

    errors = {}
    campaign, category, period = values.get("campaign"), values.get("category"), values.get("period")
    if campaign is None:
        errors["campaign"] = _("Choose the campaign the money is for.")
    elif campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED):
        errors["campaign"] = _("The campaign %(code)s is %(status)s: it needs no more money.") % {
            "code": campaign.code,
            "status": campaign.get_status_display().lower(),
        }
    if category is None:
        errors["category"] = _("Choose the expense category.")
    elif not category.is_active:
        errors["category"] = _("The category %(code)s is inactive.") % {"code": category.code}
    if period is None:
        errors["period"] = _("Choose the fiscal period.")
    elif campaign is not None:
        mismatch = period_mismatch(period=period, campaign=campaign)
        if mismatch:
            errors["period"] = mismatch
    justification = (values.get("justification") or "").strip()
    if not justification:
        errors["justification"] = _("Say why the money is needed: finance decides on it.")
    try:
        amount = _money(values.get("amount"), field="amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        amount = None
    revenue = values.get("expected_revenue")
    if revenue not in (None, ""):
        try:
            revenue = _money(revenue, field="expected_revenue", allow_zero=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    else:
        revenue = None
    leads = values.get("expected_leads")
    if leads in ("",):
        leads = None
    if leads is not None and (not isinstance(leads, int) or leads < 0):
        errors["expected_leads"] = _("Enter a whole number of leads, zero or more.")
    if errors:
        raise ValidationError(errors)
    return {
        "campaign": campaign,
        "category": category,
        "period": period,
        "amount": amount,
        "justification": justification,
        "expected_leads": leads,
        "expected_revenue": revenue,
    }


def _next_request_number(year: int) -> str:
    """``FR-<year>-<seq>``: the year's sequence row is locked while the number is taken (race-free)."""
    return _take_request_numbers(year, 1)[0]


def _take_request_numbers(year: int, count: int) -> list[str]:
    """``count`` consecutive numbers of ``year`` in one locked update of its sequence (an import's new requests)."""
    from budgets.models import FundingRequestSequence

    sequence = FundingRequestSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                FundingRequestSequence.objects.create(year=year, last_value=0)
        except IntegrityError:
            pass  # another writer created it meanwhile; lock theirs
        sequence = FundingRequestSequence.objects.select_for_update().get(year=year)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return [f"FR-{year}-{value:04d}" for value in range(first, first + count)]


@transaction.atomic
def funding_request_create(*, by, **fields):
    """A draft funding request with its number (``FR-<year of the period's fiscal year>-<seq>``).

    Marketers ask for their own teams' campaigns only (§2); the justification
    is required because "why" is what finance decides on (§1).
    """
    from budgets.models import FundingRequest
    from budgets.permissions import can_request_funding, require

    values = _request_values({k: v for k, v in fields.items() if k in REQUEST_FIELDS})
    require(
        can_request_funding(by, values["campaign"]),
        _("Only marketers of the campaign's team ask for its money."),
    )
    request = FundingRequest(requested_by=by, **values)
    request.number = _next_request_number(values["period"].year.start_date.year)
    return _save(request, by=by)


@transaction.atomic
def funding_request_update(*, funding_request, by, **changes):
    """Change a draft (or withdrawn) request.

    A submitted or decided request is refused (409): what finance decides on
    must not change under their eyes — withdraw it and submit it again.
    """
    from budgets.models import FundingRequest
    from budgets.permissions import can_edit_funding_request, can_request_funding, require

    locked = (
        FundingRequest.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=funding_request.pk)
    )
    require(
        can_request_funding(by, locked.campaign),
        _("Only marketers of the campaign's team change its funding requests."),
    )
    if not can_edit_funding_request(by, locked):
        if "amount" in changes and changes["amount"] != locked.amount:
            raise StateConflict(
                _("The amount of %(number)s cannot change now that it is %(status)s: withdraw it and submit it again.")
                % {"number": locked.number, "status": locked.get_status_display().lower()}
            )
        raise StateConflict(
            _("%(number)s is %(status)s and cannot be changed: withdraw it and submit it again.")
            % {"number": locked.number, "status": locked.get_status_display().lower()}
        )
    current = {key: getattr(locked, key) for key in REQUEST_FIELDS}
    current.update({k: v for k, v in changes.items() if k in REQUEST_FIELDS})
    values = _request_values(current)
    require(
        can_request_funding(by, values["campaign"]),
        _("Only marketers of the campaign's team ask for its money."),
    )
    for key, value in values.items():
        setattr(locked, key, value)
    return _save(locked, by=by)


@transaction.atomic
def funding_request_submit(*, funding_request, by, reason: str = ""):
    """Send a draft (or withdrawn) request for approval through the funding-request workflow (§5).

    The approvals engine picks the active template's stages whose condition
    fits the amount (e.g. the CMO above a threshold); its decisions come back
    through the handler registered in ``BudgetsConfig.ready()``.
    """
    from approvals.choices import SubjectKind
    from approvals.services import approval_submit
    from budgets.choices import FundingRequestStatus
    from budgets.models import FundingRequest
    from budgets.permissions import can_edit_funding_request, can_request_funding, require

    locked = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("campaign", "category")
        .get(pk=funding_request.pk)
    )
    require(
        can_request_funding(by, locked.campaign),
        _("Only marketers of the campaign's team submit its funding requests."),
    )
    if not can_edit_funding_request(by, locked):
        raise StateConflict(
            _("%(number)s is %(status)s: only a draft or a withdrawn request can be submitted.")
            % {"number": locked.number, "status": locked.get_status_display().lower()}
        )
    _request_values({key: getattr(locked, key) for key in REQUEST_FIELDS})
    locked.status = FundingRequestStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.approved_amount = None
    locked.decided_at = None
    locked.decision_note = ""
    _save(locked, by=by)
    approval_submit(subject=locked, kind=SubjectKind.FUNDING_REQUEST, by=by, reason=reason or locked.justification)
    publish("funding_request.submitted", locked)
    return locked


@transaction.atomic
def funding_request_withdraw(*, funding_request, by, note: str = ""):
    """The requester's team takes a draft or a waiting request back; its open approval is cancelled."""
    from approvals import permissions as approval_permissions
    from approvals.models import ApprovalRequest
    from approvals.services import approval_cancel
    from budgets.choices import FundingRequestStatus
    from budgets.models import FundingRequest
    from budgets.permissions import can_request_funding, can_withdraw_funding_request, require

    locked = (
        FundingRequest.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=funding_request.pk)
    )
    require(
        can_request_funding(by, locked.campaign),
        _("Only marketers of the campaign's team withdraw its funding requests."),
    )
    if not can_withdraw_funding_request(by, locked):
        raise StateConflict(
            _("%(number)s is %(status)s: only a draft or a submitted request can be withdrawn.")
            % {"number": locked.number, "status": locked.get_status_display().lower()}
        )
    if locked.status == FundingRequestStatus.SUBMITTED:
        approval = ApprovalRequest.objects.for_subject(locked).open().first()
        if approval is not None:
            # The engine lets only the submitter or an admin cancel; a team-mate withdraws on the system's behalf.
            actor = by if approval_permissions.can_cancel(by, approval) else None
            approval_cancel(request=approval, by=actor, note=note)
            locked.refresh_from_db()
    if locked.status != FundingRequestStatus.WITHDRAWN:
        locked.status = FundingRequestStatus.WITHDRAWN
    if note:
        locked.decision_note = note.strip()[:4000]
    return _save(locked, by=by)


# --- the approvals engine's callbacks (registered in BudgetsConfig.ready) ----------------------


def _locked_subject(approval):
    from budgets.choices import FundingRequestStatus
    from budgets.models import FundingRequest

    request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=approval.object_id)
    if request.status != FundingRequestStatus.SUBMITTED:
        raise StateConflict(
            _("%(number)s is %(status)s: there is no decision to take on it.")
            % {"number": request.number, "status": request.get_status_display().lower()}
        )
    return request


def _last_decision(approval):
    return approval.decisions.select_related("decider").order_by("-created_at", "-pk").first()


def _record_decision(request, approval, status: str, *, note_from=None) -> None:
    decision = _last_decision(approval)
    request.status = status
    request.decided_at = timezone.now()
    request.decision_note = (note_from or decision).note if decision else ""
    request._history_user = decision.decider if decision else None
    request.save()


def on_funding_approved(approval, approved_amount) -> None:
    """Approved in full, or partially when finance approved less (``approved_amount``); more is refused."""
    from budgets.choices import FundingRequestStatus

    request = _locked_subject(approval)
    amount = request.amount if approved_amount is None else Decimal(approved_amount)
    if amount > request.amount:
        raise ValidationError(
            {
                "approved_amount": _("The approved amount cannot exceed the amount asked (%(amount)s).")
                % {"amount": format_money(request.amount)}
            }
        )
    if amount <= 0:
        raise ValidationError({"approved_amount": _("To approve nothing, reject the request instead.")})
    request.approved_amount = amount
    status = FundingRequestStatus.APPROVED if amount == request.amount else FundingRequestStatus.PARTIALLY_APPROVED
    # Approved for less: the note kept is the one of whoever cut the amount (finance's why), even when
    # a later stage (the CMO) approved after them.
    cut = None
    if status == FundingRequestStatus.PARTIALLY_APPROVED:
        cut = approval.decisions.filter(approved_amount=amount).exclude(note="").order_by("-created_at", "-pk").first()
    _record_decision(request, approval, status, note_from=cut)
    _match_waiting_lines(request)
    publish("funding_request.decided", request)


def _match_waiting_lines(funding_request) -> int:
    """Accounting lines that quoted this request's number before it was approved now become its expenses.

    An invoice often reaches accounting before finance decides; its line
    waited in the unmapped queue ("FR-… is submitted"). Once the request is
    funded the same matcher as at import takes it, under the same spend
    control — a line that would pass the limit stays queued with the reason.
    """
    lines = ActualLine.objects.filter(
        status=ActualLineStatus.UNMAPPED, request_number__iexact=funding_request.number
    ).order_by("date", "line_number", "pk")
    return match_actual_lines(list(lines))


def on_funding_rejected(approval) -> None:
    from budgets.choices import FundingRequestStatus

    request = _locked_subject(approval)
    _record_decision(request, approval, FundingRequestStatus.REJECTED)
    publish("funding_request.decided", request)


def on_funding_changes_requested(approval) -> None:
    """Sent back: the request returns to draft for its team to revise and submit again."""
    from budgets.choices import FundingRequestStatus

    request = _locked_subject(approval)
    _record_decision(request, approval, FundingRequestStatus.DRAFT)
    request.decided_at = None
    request.save(update_fields=["decided_at"])
    publish("funding_request.decided", request)


def on_funding_cancelled(approval) -> None:
    """The approval was withdrawn (by the requester, an admin or the stale-request job)."""
    from budgets.choices import FundingRequestStatus
    from budgets.models import FundingRequest

    request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=approval.object_id)
    if request.status == FundingRequestStatus.SUBMITTED:
        request.status = FundingRequestStatus.WITHDRAWN
        if approval.close_note:
            request.decision_note = approval.close_note
        request.save()


# --- spend control: commitments and expenses (the core rule of §4) -------------------------


def spend_tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "MRM_SPEND_TOLERANCE_PERCENT", 0) or 0))


def spend_limit(funding_request) -> Decimal:
    """The most that may be committed, or spent, on a request: approved amount × (1 + tolerance)."""
    if funding_request.approved_amount is None:
        return Decimal("0.00")
    factor = 1 + spend_tolerance() / 100
    return (funding_request.approved_amount * factor).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _check_spend(*, locked, model, campaign, amount: Decimal, used: Decimal | None = None) -> None:
    """Refuse money outside the rule, saying what is wrong and how much is left.

    ``used`` is what is already recorded on ``locked`` (summed here when not
    given): the bulk matcher keeps it as a running sum over the lines it
    maps, so that the rule is applied by this one function either way.
    """
    from budgets.choices import FUNDED_STATUSES

    if campaign is not None and campaign.pk != locked.campaign_id:
        raise ValidationError(
            {
                "funding_request": _(
                    "The funding request %(number)s belongs to another campaign (%(campaign)s): "
                    "money is recorded only against a request of the same campaign."
                )
                % {"number": locked.number, "campaign": locked.campaign.code}
            }
        )
    if locked.status not in FUNDED_STATUSES:
        raise ValidationError(
            {
                "funding_request": _(
                    "Money can be committed or spent only against an approved funding request; "
                    "%(number)s is %(status)s."
                )
                % {"number": locked.number, "status": locked.get_status_display().lower()}
            }
        )
    if amount < 0:
        return  # a refund or a correction only lowers the sum
    if used is None:
        used = model.objects.filter(funding_request=locked).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    limit = spend_limit(locked)
    if used + amount > limit:
        left = max(limit - used, Decimal("0.00"))
        if model.__name__ == "Commitment":
            message = _(
                "This commitment would exceed what %(number)s allows: %(left)s is left to commit "
                "(approved %(approved)s, committed %(used)s)."
            )
        else:
            message = _(
                "This expense would exceed what %(number)s allows: %(left)s is left to spend "
                "(approved %(approved)s, spent %(used)s)."
            )
        raise ValidationError(
            {
                "amount": message
                % {
                    "number": locked.number,
                    "left": format_money(left),
                    "approved": format_money(locked.approved_amount),
                    "used": format_money(used),
                }
            }
        )


def _spend_record(
    model,
    *,
    locked,
    vendor: str,
    amount,
    date,
    by,
    campaign=None,
    reference: str = "",
    note: str = "",
    system: bool = False,
    used: Decimal | None = None,
):
    """A commitment or expense against ``locked`` (its row locked by the caller), validated and not saved.

    Every rule of §4 that money must meet whoever records it (a person, the
    API, the accounting matcher one line or a hundred thousand at a time)
    is checked here and in :func:`_check_spend`, in this order, so that all
    paths refuse the same money with the same reason.
    """
    from budgets.permissions import can_record_negative_spend

    amount = _money(amount, field="amount", allow_negative=True)
    if amount < 0 and model.__name__ == "Commitment" and not (system or can_record_negative_spend(by)):
        raise ValidationError({"amount": _("The amount must be above zero.")})
    if amount < 0 and not (system or can_record_negative_spend(by)):
        raise ValidationError({"amount": _("Refunds and corrections (negative amounts) are recorded by finance.")})
    vendor = (vendor or "").strip()
    errors = {}
    if not vendor:
        errors["vendor"] = _("Name the vendor.")
    if date is None:
        errors["date"] = _("Enter the date.")
    if errors:
        raise ValidationError(errors)
    _check_spend(locked=locked, model=model, campaign=campaign, amount=amount, used=used)
    return model(
        funding_request=locked,
        campaign=locked.campaign,
        vendor=vendor[:255],
        amount=amount,
        date=date,
        reference=(reference or "").strip()[:100],
        note=(note or "").strip()[:255],
        recorded_by=by,
    )


def _record_spend(
    model,
    *,
    funding_request,
    vendor: str,
    amount,
    date,
    by,
    campaign=None,
    reference: str = "",
    note: str = "",
    attachment=None,
    actual_line=None,
    system: bool = False,
):
    from budgets.attachments import checked_attachment
    from budgets.models import FundingRequest
    from budgets.permissions import can_record_spend, require

    if funding_request is None:
        raise ValidationError(
            {"funding_request": _("Money can be committed or spent only against an approved funding request.")}
        )
    # The request row is the lock every writer of its money takes: concurrent
    # expenses on one request are serialised, so the sum can never pass the limit.
    locked = (
        FundingRequest.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=funding_request.pk)
    )
    if not system:
        require(
            can_record_spend(by, locked.campaign),
            _("Finance records money for any campaign; marketers only for their own teams' campaigns."),
        )
    record = _spend_record(
        model,
        locked=locked,
        vendor=vendor,
        amount=amount,
        date=date,
        by=by,
        campaign=campaign,
        reference=reference,
        note=note,
        system=system,
    )
    if actual_line is not None:
        record.actual_line = actual_line
    if attachment is not None:
        content, safe_name = checked_attachment(attachment)
        record.attachment_name = safe_name
        record.attachment.save(safe_name, content, save=False)
    record._history_user = by
    record.full_clean(exclude=["attachment"])
    record.save()
    return record


@transaction.atomic
def commitment_create(*, funding_request, by, **fields):
    """A PO or contract against an approved request of the same campaign, within its limit (§4)."""
    from budgets.models import Commitment

    return _record_spend(Commitment, funding_request=funding_request, by=by, **fields)


@transaction.atomic
def expense_create(*, funding_request, by, **fields):
    """An invoice or actual spend against an approved request of the same campaign, within its limit (§4)."""
    from budgets.models import Expense

    expense = _record_spend(Expense, funding_request=funding_request, by=by, **fields)
    publish("expense.created", expense)
    return expense


# --- accounting lines meet funding requests ---------------------------------------------------

#: Lines matched per round of queries: each round costs the same handful of statements, whatever its size.
MATCH_BATCH = 2000


def _line_expense_fields(line: ActualLine) -> dict:
    """What an accounting line says about the expense it becomes (by hand or matched)."""
    return {
        "vendor": line.vendor or line.document_number or _("Accounting line %(number)s") % {"number": line.pk},
        "amount": line.amount,
        "date": line.date,
        "reference": line.document_number,
        "note": (line.comment or "")[:255],
    }


def _map_line(line: ActualLine, funding_request, *, by, system: bool):
    expense = expense_create(
        funding_request=funding_request, by=by, actual_line=line, system=system, **_line_expense_fields(line)
    )
    line.status = ActualLineStatus.MAPPED
    line.status_note = ""
    line._history_user = by
    line.save(update_fields=["status", "status_note"])
    return expense


def match_lines_by_request_number(lines) -> set[int]:
    """The registered line matcher: lines quoting an approved request's number become its expenses.

    Spend control applies: a line that would break it stays unmapped, with the
    reason on the line (shown in the queue), for finance to resolve. Lines are
    taken in the order given (an import's file order; by date for the lines
    that waited for a request), so a request's limit is reached by the same
    lines whether one line or a hundred thousand are matched at once.

    Done in bulk, with a constant number of queries per :data:`MATCH_BATCH`
    lines or numbers: the numbers of all the lines are resolved and their
    requests locked (``select_for_update``, in id order, so two writers never
    deadlock), what each request already spent is summed once and then kept
    as a running sum, each line is checked in memory by the same rule as an
    expense recorded by hand (:func:`_spend_record`), and the expenses, the
    lines' new state and their history (who: the line's uploader; when: now)
    are written with bulk statements. Returns the ids of the lines mapped.
    """
    from budgets.models import Expense

    candidates = [line for line in lines if line.status == ActualLineStatus.UNMAPPED and line.request_number]
    if not candidates:
        return set()
    uploaders = _uploaders({line.batch_id for line in candidates})
    requests, spent = _locked_requests({line.request_number.upper() for line in candidates})
    mapped: set[int] = set()
    for start in range(0, len(candidates), MATCH_BATCH):
        progress.report(0.6 + 0.39 * start / len(candidates))  # inside an import's apply; a no-op elsewhere
        chunk = candidates[start : start + MATCH_BATCH]
        taken = set(
            Expense.objects.filter(actual_line__in=[line.pk for line in chunk]).values_list("actual_line", flat=True)
        )
        expenses, matched, refused = [], [], []
        for line in chunk:
            request = requests.get(line.request_number.upper())
            if request is None:
                refused.append((line, _("No funding request %(number)s exists.") % {"number": line.request_number}))
                continue
            by = uploaders[line.batch_id]
            try:
                expense = _spend_record(
                    Expense, locked=request, by=by, system=True, used=spent[request.pk], **_line_expense_fields(line)
                )
                expense.actual_line = line
                _clean_in_memory(expense, duplicate=line.pk in taken)
            except ValidationError as exc:
                refused.append((line, " ".join(exc.messages)))
                continue
            spent[request.pk] += expense.amount
            expense._history_user = by
            expenses.append(expense)
            line.status, line.status_note, line._history_user = ActualLineStatus.MAPPED, "", by
            matched.append(line)
        _write_matches(expenses, matched)
        _write_refusals(refused)
        mapped.update(line.pk for line in matched)
    return mapped


def _clean_in_memory(expense, *, duplicate: bool) -> None:
    """What ``full_clean`` checks of one matched expense, without a query per line.

    The fields' own validators run (the accepted date window, the digits);
    the rows it points at need no look-up (the request is locked, its
    campaign, the line and its uploader were just read), the one-expense-per-
    line rule is decided from one query per batch (``duplicate``), and the
    amount's database check (not zero) was met by ``_money``.
    """
    errors = {}
    try:
        expense.clean_fields(exclude=["attachment", "funding_request", "campaign", "recorded_by", "actual_line"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if duplicate:
        errors.setdefault("actual_line", []).append(expense.unique_error_message(type(expense), ("actual_line",)))
    if errors:
        raise ValidationError(errors)


def match_line_by_request_number(line: ActualLine) -> bool:
    """One line through the bulk matcher (the same rule, the same writes); True when it was mapped."""
    return line.pk in match_lines_by_request_number([line])


def _locked_requests(numbers: set[str]) -> tuple[dict, dict]:
    """The funding requests of ``numbers`` (upper-cased), locked, and what each has spent so far.

    The numbers are resolved first, then every request is locked in id
    order (a few statements over consecutive ids): two imports, or an import
    and someone recording an expense by hand, always take the locks in the
    same order and wait for each other instead of deadlocking. The status
    and approved amount are read under the lock. A number never changes
    once given, so resolving it before locking is safe.
    """
    from budgets.models import Expense, FundingRequest

    ids: dict[str, int] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), MATCH_BATCH):
        ids.update(
            FundingRequest.objects.annotate(upper_number=Upper("number"))
            .filter(upper_number__in=ordered[start : start + MATCH_BATCH])
            .values_list("upper_number", "pk")
        )
    by_id, spent = {}, {}
    pks = sorted(set(ids.values()))
    for start in range(0, len(pks), MATCH_BATCH):
        chunk = pks[start : start + MATCH_BATCH]
        by_id.update(
            (request.pk, request)
            for request in FundingRequest.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
        spent.update(dict.fromkeys(chunk, Decimal("0")))
        spent.update(
            Expense.objects.filter(funding_request__in=chunk)
            .values("funding_request")
            .annotate(total=Sum("amount"))
            .values_list("funding_request", "total")
        )
    return {number: by_id[pk] for number, pk in ids.items()}, spent


def _uploaders(batch_ids) -> dict:
    """Who uploaded each import batch: the matcher records its expenses in their name, as the import's."""
    from accounts.models import User

    uploaded_by = dict(ImportBatch.objects.filter(pk__in=batch_ids).values_list("pk", "uploaded_by"))
    users = User.objects.in_bulk(set(uploaded_by.values()))
    return {batch_id: users[user_id] for batch_id, user_id in uploaded_by.items()}


def _write_matches(expenses: list, lines: list[ActualLine]) -> None:
    """The expenses, then the lines marked mapped, each with its history row (``_history_user``, now)."""
    from budgets.models import Expense

    if not expenses:
        return
    now = timezone.now()
    bulk_create_with_history(expenses, Expense, default_date=now)
    ActualLine.objects.filter(pk__in=[line.pk for line in lines]).update(status=ActualLineStatus.MAPPED, status_note="")
    ActualLine.history.bulk_history_create(lines, update=True, default_date=now)


def _write_refusals(refused: list[tuple[ActualLine, str]]) -> None:
    """Why each line stays queued, on the line and on its latest history row; no new history row.

    The reason is derived, not an audit event; the line's recorded state
    carries it too, so its history reads right. Only what changes is written.
    """
    if not refused:
        return
    notes = {line.pk: reason[:255] for line, reason in refused}
    changed = {}
    for line, _reason in refused:
        if line.status_note != notes[line.pk]:
            line.status_note = changed[line.pk] = notes[line.pk]
    _write_notes(ActualLine, changed)
    history = ActualLine.history.model
    latest = {}
    for history_id, line_id, note in (
        history.objects.filter(id__in=notes)
        .order_by("id", "-history_date", "-history_id")
        .values_list("history_id", "id", "status_note")
    ):
        if line_id not in latest:
            latest[line_id] = (history_id, note)
    _write_notes(
        history,
        {history_id: notes[line_id] for line_id, (history_id, note) in latest.items() if note != notes[line_id]},
    )


def _write_notes(model, notes: dict[int, str]) -> None:
    """Set ``status_note`` of many rows by primary key, one statement per batch (a join with a list of values).

    Django's ``bulk_update`` writes ``CASE WHEN pk = … THEN …`` with a branch
    per row, which the database compares with every row updated; a join
    with the values costs one pass.
    """
    if not notes:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    items = list(notes.items())
    size = max(1, (connection.features.max_query_params or 2 * len(items)) // 2)
    with connection.cursor() as cursor:
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH notes (id, note) AS (VALUES {values}) "  # noqa: S608 (names are ours, values are parameters)
                f"UPDATE {table} SET status_note = notes.note FROM notes WHERE {table}.{pk} = notes.id",
                [value for pair in chunk for value in pair],
            )


@transaction.atomic
def actual_line_map(*, line: ActualLine, funding_request, by):
    """Finance maps a queued line to a request by hand; the same spend-control rule decides (§4)."""
    require_budget_maintainer(by)
    line = ActualLine.objects.select_for_update().get(pk=line.pk)
    if line.status != ActualLineStatus.UNMAPPED:
        raise StateConflict(
            _("Only an unmapped line can be mapped; this one is %(status)s.")
            % {"status": line.get_status_display().lower()}
        )
    return _map_line(line, funding_request, by=by, system=False)


# --- funding requests and spend from the old spreadsheets (issue 17) ---------------------------


def _json_value(value):
    """A field's value as the import job's record of what it overwrote (``job.result["written"]``)."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


IMPORT_REQUEST_FIELDS = (*REQUEST_FIELDS, "requested_by")


@transaction.atomic
def funding_requests_import(*, rows: list[PlannedRow], by, note: str) -> dict:
    """Write an import's funding requests: new ones in bulk, changed ones through the request services.

    The rules of a request written by hand hold for each row: who may write
    it (§2: a decided status — approved, partially approved, rejected — is
    finance's and admins' to import), :func:`_request_values` for open
    requests (draft, submitted; a closed campaign or an inactive category is
    allowed only on history), the period within the campaign, the approved
    amount within the amount asked (the model's constraints). New requests
    get consecutive numbers of their fiscal year in one locked update of the
    sequence, and are inserted with their history (who: the importer; the
    import's note as the reason) in a few statements whatever their number.
    A decided request is recorded as decided, with no approval in MRM and no
    notification or webhook (it is history); a submitted one goes through
    :func:`funding_request_submit` in its requester's name (its approval
    starts, approvers are told, ``funding_request.submitted`` is published).
    An existing request changes through :func:`funding_request_update` and
    :func:`funding_request_submit`, so only drafts and withdrawn requests
    change. Returns the counts and ``written`` (what was created, and what
    each update overwrote) for the import's undo.
    """
    from accounts.models import User
    from budgets.choices import FUNDED_STATUSES, FundingRequestStatus
    from budgets.imports.funding import DECIDED_STATUSES, HISTORICAL_STATUSES, decided_times
    from budgets.models import FundingRequest
    from budgets.permissions import can_maintain_budgets, can_request_funding, require
    from campaigns.models import Campaign

    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    actionable = [row for row in rows if row.outcome in (RowOutcome.NEW, RowOutcome.CHANGED)]
    ids: dict[str, set] = {"campaign_id": set(), "category_id": set(), "period_id": set(), "requested_by_id": set()}
    for row in actionable:
        for key, values in ids.items():
            if row.data["fields"].get(key):
                values.add(row.data["fields"][key])
    campaigns = Campaign.objects.select_related("team").in_bulk(ids["campaign_id"])
    categories = ExpenseCategory.objects.in_bulk(ids["category_id"])
    periods = FiscalPeriod.objects.select_related("year").in_bulk(ids["period_id"])
    users = User.objects.prefetch_related("groups", "memberships").in_bulk(ids["requested_by_id"])
    existing = {
        request.pk: request
        for request in FundingRequest.objects.select_for_update(of=("self",))
        .select_related("campaign", "category", "period", "requested_by")
        .filter(pk__in=[row.data["request_id"] for row in actionable if row.data["request_id"]])
        .order_by("pk")
    }

    def values_of(row, base=None) -> dict:
        fields = row.data["fields"]
        values = {key: getattr(base, key) for key in IMPORT_REQUEST_FIELDS} if base is not None else {}
        lookups = {"campaign": campaigns, "category": categories, "period": periods, "requested_by": users}
        for key, table in lookups.items():
            if f"{key}_id" in fields:
                values[key] = table[fields[f"{key}_id"]]
        for key in ("amount", "expected_revenue"):
            if key in fields:
                values[key] = Decimal(fields[key]) if fields[key] is not None else None
        for key in ("justification", "expected_leads"):
            if key in fields:
                values[key] = fields[key]
        return values

    creates, submits = [], []
    for row in (row for row in actionable if row.outcome == RowOutcome.NEW):
        values = values_of(row)
        status = row.data["status"]
        campaign = values["campaign"]
        if status in DECIDED_STATUSES:
            require(can_maintain_budgets(by), _("Only finance and administrators import decided requests."))
        else:
            require(
                can_maintain_budgets(by) or can_request_funding(by, campaign),
                _("Only marketers of the campaign's team ask for its money."),
            )
        if status in HISTORICAL_STATUSES:
            mismatch = period_mismatch(period=values["period"], campaign=campaign)
            if mismatch:
                raise ValidationError({"period": mismatch})
            values["amount"] = _money(values["amount"], field="amount")
        else:
            requester = values["requested_by"]
            values = {**_request_values(values), "requested_by": requester}
        submitted_at, decided_at = decided_times(row.data)
        request = FundingRequest(
            **values,
            external_ref=row.data["fields"].get("external_ref", ""),
            status=FundingRequestStatus.DRAFT if status == FundingRequestStatus.SUBMITTED else status,
            approved_amount=Decimal(row.data["approved_amount"]) if status in FUNDED_STATUSES else None,
            decision_note=row.data.get("decision_note", "") if status in HISTORICAL_STATUSES else "",
        )
        if status in DECIDED_STATUSES:
            request.decided_at = decided_at or timezone.now()
            request.submitted_at = submitted_at or request.decided_at
        elif status == FundingRequestStatus.WITHDRAWN:
            request.submitted_at = submitted_at
        request.clean_fields(exclude=["campaign", "category", "period", "requested_by", "number"])
        creates.append(request)
        if status == FundingRequestStatus.SUBMITTED:
            submits.append(request)

    by_year: dict[int, list] = {}
    for request in creates:
        by_year.setdefault(request.period.year.start_date.year, []).append(request)
    for year in sorted(by_year):
        for request, number in zip(by_year[year], _take_request_numbers(year, len(by_year[year])), strict=True):
            request.number = number
    if creates:
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    creates,
                    FundingRequest,
                    default_user=by,
                    default_change_reason=note[:100],
                    default_date=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "A funding request with one of these external references was imported meanwhile. Upload the file again."
                )
            ) from None
    for request in submits:
        funding_request_submit(funding_request=request, by=request.requested_by, reason=request.justification)

    updated: dict[str, dict] = {}
    for row in (row for row in actionable if row.outcome == RowOutcome.CHANGED):
        request = existing[row.data["request_id"]]
        values = values_of(row, base=request)
        previous = {
            key: _json_value(getattr(request, key)) for key in (*IMPORT_REQUEST_FIELDS, "external_ref", "status")
        }
        changes = {key: value for key, value in values.items() if getattr(request, key) != value}
        ref = row.data["fields"].get("external_ref")
        if ref and ref != request.external_ref:
            request.external_ref = ref
            request._history_user = by
            request._change_reason = note[:100]
            request.save(update_fields=["external_ref", "updated_at"])
        requester = changes.pop("requested_by", None)
        if changes:
            request = funding_request_update(funding_request=request, by=by, **changes)
        if requester is not None:
            request.requested_by = requester
            _save(request, by=by)
        if row.data["status"] != request.status:
            request = funding_request_submit(
                funding_request=request, by=request.requested_by, reason=request.justification
            )
        updated[str(request.pk)] = {
            key: value for key, value in previous.items() if _json_value(getattr(request, key)) != value
        }
    return {
        "created": len(creates),
        "changed": len(updated),
        "written": {
            "created": {"budgets.fundingrequest": [request.pk for request in creates]},
            "updated": {"budgets.fundingrequest": updated},
        },
    }


def funding_requests_import_objections(job) -> list[str]:
    """Why an applied funding-request import cannot be undone (empty: it can).

    Undoing deletes the requests it created and puts back what it changed;
    that is safe only while nothing depends on them: no commitment or
    expense recorded against them, no decision or comment on their approval,
    and no change since the import (their ``updated_at`` is not later than
    the job's ``applied_at``).
    """
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import ApprovalRequest
    from budgets.models import Commitment, Expense, FundingRequest

    written = (job.result or {}).get("written") or {}
    created = set((written.get("created") or {}).get("budgets.fundingrequest") or [])
    updated = {int(pk) for pk in ((written.get("updated") or {}).get("budgets.fundingrequest") or {})}
    ids = created | updated
    if not ids:
        return []
    objections = []
    requests = {r.pk: r for r in FundingRequest.objects.filter(pk__in=ids)}
    numbers = lambda pks: ", ".join(sorted(requests[pk].number for pk in pks if pk in requests))  # noqa: E731
    changed = {pk for pk, r in requests.items() if job.applied_at and r.updated_at > job.applied_at}
    if changed:
        objections.append(
            _("These funding requests changed after the import: %(numbers)s.") % {"numbers": numbers(changed)}
        )
    spent = set(Commitment.objects.filter(funding_request__in=ids).values_list("funding_request", flat=True))
    spent |= set(Expense.objects.filter(funding_request__in=ids).values_list("funding_request", flat=True))
    if spent:
        objections.append(
            _("Money is committed or spent against these funding requests: %(numbers)s.") % {"numbers": numbers(spent)}
        )
    approvals = ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(FundingRequest), object_id__in=ids
    )
    acted = set(approvals.filter(decisions__isnull=False).values_list("object_id", flat=True))
    acted |= set(approvals.filter(comments__isnull=False).values_list("object_id", flat=True))
    if acted:
        objections.append(
            _("Someone decided or commented on the approval of these funding requests: %(numbers)s.")
            % {"numbers": numbers(acted)}
        )
    missing = ids - set(requests)
    if missing:
        objections.append(_("%(count)s of the imported funding requests no longer exist.") % {"count": len(missing)})
    return objections


def funding_requests_import_undo(*, job, by) -> dict:
    """Undo an applied funding-request import while nothing depends on it (inside the engine's transaction).

    Created requests are deleted, with their untouched approval (cancelled
    first, so no one is still asked to decide); changed ones get back the
    values the import overwrote — a request the import submitted returns to
    its previous status with its approval cancelled. History records who
    undid it. Refused (``StateConflict``) when :func:`funding_requests_import_objections` objects.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import DecimalField

    from approvals.models import ApprovalRequest
    from approvals.services import approval_cancel
    from budgets.models import FundingRequest

    objections = funding_requests_import_objections(job)
    if objections:
        raise StateConflict(" ".join(objections))
    written = (job.result or {}).get("written") or {}
    created = list((written.get("created") or {}).get("budgets.fundingrequest") or [])
    updated = (written.get("updated") or {}).get("budgets.fundingrequest") or {}
    note = _("Undone: import #%(id)s") % {"id": job.pk}
    subject_type = ContentType.objects.get_for_model(FundingRequest)
    requests = FundingRequest.objects.select_for_update(of=("self",)).in_bulk(
        set(created) | {int(pk) for pk in updated}
    )
    approvals = ApprovalRequest.objects.filter(content_type=subject_type, object_id__in=list(requests))
    for approval in approvals.filter(status="in_progress"):
        approval_cancel(request=approval, by=None, note=note)
    approvals.filter(object_id__in=created).delete()
    for pk in created:
        request = requests[pk]
        request._history_user = by
        request._change_reason = note[:100]
        request.delete()
    for pk, previous in updated.items():
        request = FundingRequest.objects.get(pk=int(pk))
        for key, value in previous.items():
            field = FundingRequest._meta.get_field(key)
            if field.is_relation:
                setattr(request, field.attname, value)
            elif value is not None and isinstance(field, DecimalField):
                setattr(request, key, Decimal(value))
            else:
                setattr(request, key, value)
        if previous.get("status") is not None:
            request.submitted_at = None if request.status == "draft" else request.submitted_at
        request._history_user = by
        request._change_reason = note[:100]
        request.save()
    return {"deleted": len(created), "restored": len(updated)}


@transaction.atomic
def spend_import(model, *, rows: list[PlannedRow], by, note: str) -> dict:
    """Record an import's expenses or commitments: the hand rule for each row, a constant number of statements.

    The funding requests the rows name are locked in id order (as the
    accounting matcher and a hand expense take them: two writers wait for
    each other, never deadlock) and what each has spent, or committed, is
    summed once; each row is then checked by :func:`_spend_record` against
    that running sum (approved request of the same campaign, within the
    approved amount plus tolerance, who may record for which campaign,
    refunds finance's). The stored plan is applied exactly or not at all: a
    row that no longer passes (another import or a hand expense took the
    money meanwhile) refuses the whole apply with its line and the rule's
    message. Rows are inserted with their history (who: the importer; the
    import's note as the reason); no ``expense.created`` event is published
    per row (the import is history moving in; the job is its record).
    """
    from budgets.models import FundingRequest
    from budgets.permissions import can_record_spend, require
    from campaigns.models import Campaign

    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    actionable = [row for row in rows if row.outcome == RowOutcome.NEW]
    request_ids = sorted({row.data["funding_request_id"] for row in actionable})
    requests = {
        request.pk: request
        for request in FundingRequest.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(pk__in=request_ids)
        .order_by("pk")
    }
    used = dict.fromkeys(request_ids, Decimal("0"))
    used.update(
        model.objects.filter(funding_request__in=request_ids)
        .values("funding_request")
        .annotate(total=Sum("amount"))
        .values_list("funding_request", "total")
    )
    campaigns = Campaign.objects.in_bulk({row.data["campaign_id"] for row in actionable if row.data["campaign_id"]})
    refs = [row.data["external_ref"] for row in actionable if row.data["external_ref"]]
    taken = set(model.objects.filter(external_ref__in=refs).values_list("external_ref", flat=True)) if refs else set()
    records = []
    for row in actionable:
        request = requests.get(row.data["funding_request_id"])
        try:
            if request is None:
                raise ValidationError(_("The funding request of this line no longer exists."))
            require(
                can_record_spend(by, request.campaign),
                _("Finance records money for any campaign; marketers only for their own teams' campaigns."),
            )
            if row.data["external_ref"] in taken:
                raise ValidationError(
                    _("%(value)s was imported meanwhile by another import.") % {"value": row.data["external_ref"]}
                )
            record = _spend_record(
                model,
                locked=request,
                by=by,
                campaign=campaigns.get(row.data["campaign_id"]),
                used=used[request.pk],
                vendor=row.data["vendor"],
                amount=Decimal(row.data["amount"]),
                date=datetime.date.fromisoformat(row.data["date"]),
                reference=row.data["reference"],
                note=row.data["note"],
            )
            record.external_ref = row.data["external_ref"]
            record.clean_fields(exclude=["attachment", "funding_request", "campaign", "recorded_by"])
        except ValidationError as exc:
            raise ValidationError(
                _("Line %(line)s: %(errors)s") % {"line": row.line, "errors": " ".join(exc.messages)}
            ) from None
        used[request.pk] += record.amount
        records.append(record)
    if records:
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    records, model, default_user=by, default_change_reason=note[:100], default_date=timezone.now()
                )
        except IntegrityError:
            raise ValidationError(
                _("A record with one of these external references was imported meanwhile. Upload the file again.")
            ) from None
    label = f"budgets.{model._meta.model_name}"
    return {"created": len(records), "written": {"created": {label: [r.pk for r in records]}, "updated": {}}}


def spend_import_objections(model, job) -> list[str]:
    """Why an applied expense or commitment import cannot be undone: a record changed since, or is gone."""
    label = f"budgets.{model._meta.model_name}"
    ids = set((((job.result or {}).get("written") or {}).get("created") or {}).get(label) or [])
    if not ids:
        return []
    objections = []
    present = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - present:
        objections.append(_("%(count)s of the imported records no longer exist.") % {"count": len(ids - present)})
    changed = model.history.filter(id__in=ids, history_type="~")
    if job.applied_at:
        changed = changed.filter(history_date__gt=job.applied_at)
    if changed.exists():
        objections.append(_("Some of the imported records were changed after the import."))
    return objections


def spend_import_undo(model, *, job, by) -> dict:
    """Delete what an expense or commitment import recorded (history records who undid it), if nothing objects."""
    objections = spend_import_objections(model, job)
    if objections:
        raise StateConflict(" ".join(objections))
    label = f"budgets.{model._meta.model_name}"
    ids = list((((job.result or {}).get("written") or {}).get("created") or {}).get(label) or [])
    note = (_("Undone: import #%(id)s") % {"id": job.pk})[:100]
    records = list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    # The requests' rows are the lock every writer of their money takes (see _record_spend).
    from budgets.models import FundingRequest

    list(
        FundingRequest.objects.select_for_update(of=("self",))
        .filter(pk__in={r.funding_request_id for r in records})
        .order_by("pk")
    )
    for record in records:
        record._history_user = by
        record._change_reason = note
        record.delete()
    return {"deleted": len(records)}
