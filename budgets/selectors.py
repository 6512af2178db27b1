"""Reads of the budget pages that are more than one queryset.

Every read starts from ``visible_to(user)``; totals are summed by the
database, and the number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.scope import viewer_scope
from budgets.choices import ActualLineStatus, FundingRequestStatus
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod
from mrm.templatetags.money import format_money


def category_tree(categories) -> list[tuple[ExpenseCategory, int]]:
    """Categories in tree order (parents before their children, by code) with their depth."""
    categories = list(categories)
    children: dict[int | None, list[ExpenseCategory]] = {}
    known = {c.pk for c in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    ordered: list[tuple[ExpenseCategory, int]] = []

    def walk(parent, depth):
        for category in sorted(children.get(parent, []), key=lambda c: c.code):
            ordered.append((category, depth))
            if depth < 50:
                walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def periods_for(user):
    return FiscalPeriod.objects.visible_to(user).select_related("year").order_by("start_date", "name")


def campaign_span(campaign) -> tuple[datetime.date, datetime.date] | None:
    """The campaign's first and last day, or ``None`` when it has no dates.

    Campaigns require both dates today; a row without them (legacy data) has
    nothing a fiscal period could contradict, so no period is proposed and the
    overlap rule does not apply to it (docs/BUDGETS.md).
    """
    start, end = getattr(campaign, "start_date", None), getattr(campaign, "end_date", None)
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)


def overlapping_periods(campaign):
    """Fiscal periods that share at least one day with the campaign, earliest first."""
    span = campaign_span(campaign)
    if span is None:
        return FiscalPeriod.objects.none()
    start, end = span
    return FiscalPeriod.objects.filter(start_date__lte=end, end_date__gte=start).order_by("start_date", "pk")


def proposed_period(campaign, periods=None):
    """The period a funding request of this campaign most likely belongs to.

    The period containing the campaign's first day; else the first period
    that overlaps the campaign at all (it starts before any period exists);
    ``None`` when no period overlaps or the campaign has no dates. ``periods``
    limits the choice (e.g. to the user's); one query.
    """
    span = campaign_span(campaign)
    if span is None:
        return None
    candidates = overlapping_periods(campaign)
    if periods is not None:
        candidates = candidates.filter(pk__in=[p.pk for p in periods] if isinstance(periods, list) else periods)
    candidates = list(candidates.select_related("year"))
    start = span[0]
    for period in candidates:
        if period.start_date <= start <= period.end_date:
            return period
    return candidates[0] if candidates else None


def period_fits_campaign(period, campaign) -> bool:
    """A funding request's period must share at least one day with its campaign (PRODUCT.md §4)."""
    span = campaign_span(campaign)
    if span is None or period is None:
        return True
    return period.start_date <= span[1] and period.end_date >= span[0]


def default_period(periods, today: datetime.date | None = None):
    """The period containing today, else the last one that started, else the first."""
    today = today or timezone.localdate()
    periods = list(periods)
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    started = [p for p in periods if p.start_date <= today]
    return started[-1] if started else (periods[0] if periods else None)


def grid_teams(user):
    """Columns of the grid: the teams of the viewer's scope (every active team for finance, leadership, admins)."""
    teams = Team.objects.visible_to(user).filter(is_active=True)
    scope = viewer_scope(user)
    if not scope.all_teams:
        teams = teams.filter(pk__in=scope.team_ids)
    return list(teams.order_by("name"))


@dataclass
class GridRow:
    category: ExpenseCategory
    depth: int
    cells: list = field(default_factory=list)
    total: Decimal | None = None


@dataclass
class AllocationGrid:
    period: FiscalPeriod | None
    teams: list
    rows: list[GridRow]
    team_totals: list
    total: Decimal | None


def allocation_grid(*, user, period: FiscalPeriod | None) -> AllocationGrid:
    """Allocations of one period as categories × teams, with row, column and grand totals from SQL."""
    teams = grid_teams(user)
    if period is None:
        return AllocationGrid(period=None, teams=teams, rows=[], team_totals=[], total=None)
    allocations = BudgetAllocation.objects.visible_to(user).filter(period=period, team__in=[t.pk for t in teams])
    cells = {
        (team_id, category_id): amount
        for team_id, category_id, amount in allocations.values_list("team_id", "category_id", "amount")
    }
    category_totals = dict(
        allocations.values("category").annotate(total=Sum("amount")).values_list("category", "total")
    )
    team_totals = dict(allocations.values("team").annotate(total=Sum("amount")).values_list("team", "total"))
    total = allocations.aggregate(total=Sum("amount"))["total"]
    used = {category_id for _team, category_id in cells}
    categories = ExpenseCategory.objects.filter(is_active=True) | ExpenseCategory.objects.filter(pk__in=used)
    rows = []
    for category, depth in category_tree(categories.distinct()):
        row = GridRow(category=category, depth=depth, total=category_totals.get(category.pk))
        row.cells = [{"team": team, "amount": cells.get((team.pk, category.pk))} for team in teams]
        rows.append(row)
    return AllocationGrid(
        period=period,
        teams=teams,
        rows=rows,
        team_totals=[team_totals.get(team.pk) for team in teams],
        total=total,
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    action: str
    changes: list = field(default_factory=list)


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def history_of(obj, *, limit: int = 20) -> list[HistoryEntry]:
    """Who changed what and when (django-simple-history), newest first, with the changed fields.

    One query: the records are diffed against each other in memory; foreign
    keys are shown as ids' current labels only where cheap, so the audit
    stays readable without a query per row.
    """
    if obj is None or obj.pk is None:
        return []
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        changes = []
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at", "raw", "fingerprint"])
            for change in delta.changes:
                field_obj = obj._meta.get_field(change.field)
                changes.append({"field": field_obj, "old": change.old, "new": change.new})
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=HISTORY_ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    _label_changes(entries)
    return entries


def _label_changes(entries: list[HistoryEntry]) -> None:
    """Readable values: related objects by name (one query per related model), money formatted."""
    wanted: dict = {}
    for entry in entries:
        for change in entry.changes:
            if change["field"].is_relation:
                wanted.setdefault(change["field"].related_model, set()).update({change["old"], change["new"]} - {None})
    labels = {model: model._base_manager.in_bulk(list(ids)) for model, ids in wanted.items()}
    for entry in entries:
        for change in entry.changes:
            field_obj = change["field"]
            for side in ("old", "new"):
                value = change[side]
                if value in (None, ""):
                    value = "—"
                elif field_obj.is_relation:
                    value = str(labels[field_obj.related_model].get(value, value))
                elif isinstance(value, Decimal) and getattr(field_obj, "decimal_places", None) == 2:
                    value = format_money(value)
                elif isinstance(value, bool):
                    value = _("yes") if value else _("no")
                change[side] = value
            change["field"] = field_obj.verbose_name


# --- funding requests and spend ------------------------------------------------------------


MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def with_spend(queryset):
    """Funding requests annotated with what is committed and spent on each, and what is left (in SQL)."""
    from budgets.models import Commitment, Expense

    def total(model):
        rows = (
            model.objects.filter(funding_request=OuterRef("pk"))
            .order_by()
            .values("funding_request")
            .annotate(s=Sum("amount"))
            .values("s")[:1]
        )
        return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)

    return queryset.annotate(committed=total(Commitment), spent=total(Expense)).annotate(
        left_to_spend=Coalesce(F("approved_amount"), ZERO) - F("spent")
    )


@dataclass
class BudgetPosition:
    """Where a period × team × category stands, for the request form's live info."""

    allocated: Decimal
    requested: Decimal
    approved: Decimal
    spent: Decimal

    @property
    def available(self) -> Decimal:
        """Allocated minus what is already asked for or approved: what a new request can still count on."""
        return self.allocated - self.requested


def budget_position(*, period, team, category, exclude_request=None) -> BudgetPosition:
    """Allocated, requested (waiting or approved), approved and spent money of one cell, summed by the database."""
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import Expense, FundingRequest

    allocated = BudgetAllocation.objects.filter(period=period, team=team, category=category).aggregate(
        total=Sum("amount")
    )["total"]
    requests = FundingRequest.objects.filter(period=period, campaign__team=team, category=category)
    if exclude_request is not None and exclude_request.pk:
        requests = requests.exclude(pk=exclude_request.pk)
    sums = requests.aggregate(
        requested=Sum(
            Case(
                When(status=FundingRequestStatus.SUBMITTED, then=F("amount")),
                When(status__in=FUNDED_STATUSES, then=F("approved_amount")),
                default=None,
            )
        ),
        approved=Sum("approved_amount", filter=Q(status__in=FUNDED_STATUSES)),
    )
    spent = Expense.objects.filter(
        funding_request__period=period, campaign__team=team, funding_request__category=category
    ).aggregate(total=Sum("amount"))["total"]
    return BudgetPosition(
        allocated=allocated or Decimal("0.00"),
        requested=sums["requested"] or Decimal("0.00"),
        approved=sums["approved"] or Decimal("0.00"),
        spent=spent or Decimal("0.00"),
    )


def _cell_total(model_queryset, *, via: str, field: str, filter_q=None, cell_prefix=""):
    rows = model_queryset.filter(
        **{
            f"{via}period": OuterRef(f"{cell_prefix}period"),
            f"{via}campaign__team": OuterRef(f"{cell_prefix}team"),
            f"{via}category": OuterRef(f"{cell_prefix}category"),
        }
    )
    if filter_q is not None:
        rows = rows.filter(filter_q)
    rows = rows.order_by().values(f"{via}period").annotate(s=Sum(field)).values("s")[:1]
    return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def utilisation(*, user, period=None, team=None, category=None):
    """Budget utilisation per period × team × category (PRODUCT.md §4), every figure computed in SQL.

    Returns ``(rows, unallocated, totals)``: rows are allocations annotated with
    ``requested`` (waiting + approved), ``approved``, ``committed``,
    ``actual`` (expenses), ``remaining`` (allocated − approved: what can
    still be requested) and ``variance`` (allocated − actual: under budget
    when positive, overspent when negative); cells where money was requested
    without any allocation come as ``unallocated`` with the same figures
    (allocated 0, so their spend is all variance) — the rows add up to the
    totals. ``totals`` sums each column in one query per source. Every
    figure covers the viewer's one scope (:mod:`accounts.scope`), as the
    budget-vs-actual report does.
    """
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import Commitment, Expense, FundingRequest

    scope = viewer_scope(user)
    allocations = BudgetAllocation.objects.in_scope(scope).select_related("period", "team", "category")
    requests = FundingRequest.objects.in_scope(scope)
    if period is not None:
        allocations = allocations.filter(period=period)
        requests = requests.filter(period=period)
    if team is not None:
        allocations = allocations.filter(team=team)
        requests = requests.filter(campaign__team=team)
    if category is not None:
        allocations = allocations.filter(category=category)
        requests = requests.filter(category=category)
    visible = FundingRequest.objects.in_scope(scope)
    funded = Q(status__in=FUNDED_STATUSES)
    requested_q = Q(status__in=[FundingRequestStatus.SUBMITTED, *FUNDED_STATUSES])
    rows = allocations.annotate(
        requested=_cell_total(visible, via="", field="amount", filter_q=requested_q),
        approved=_cell_total(visible, via="", field="approved_amount", filter_q=funded),
        committed=_cell_total(
            Commitment.objects.filter(funding_request__in=visible.values("pk")), via="funding_request__", field="amount"
        ),
        actual=_cell_total(
            Expense.objects.filter(funding_request__in=visible.values("pk")), via="funding_request__", field="amount"
        ),
    ).annotate(remaining=F("amount") - F("approved"), variance=F("amount") - F("actual"))
    rows = rows.order_by("period__start_date", "team__name", "category__code")
    # Cells with requests but no allocation: grouped by the database, allocated 0.
    allocated_cells = BudgetAllocation.objects.filter(
        period=OuterRef("period"), team=OuterRef("campaign__team"), category=OuterRef("category")
    )
    # Their spend counts like any other: nothing allocated, so all of it is variance.
    unallocated = (
        with_spend(requests.filter(requested_q).exclude(Exists(allocated_cells)))
        .order_by()
        .values("period", "period__name", "campaign__team", "campaign__team__name", "category", "category__code")
        .annotate(
            requested=Sum("amount"),
            approved=Coalesce(Sum("approved_amount", filter=funded), ZERO),
            committed=Sum("committed"),
            actual=Sum("spent"),
        )
        .annotate(remaining=ZERO - F("approved"), variance=ZERO - F("actual"))
        .order_by("period__name", "campaign__team__name", "category__code")
    )
    spend_of = Q(funding_request__in=requests.values("pk"))
    totals = {
        "allocated": allocations.aggregate(t=Sum("amount"))["t"] or Decimal("0.00"),
        "requested": requests.filter(requested_q).aggregate(t=Sum("amount"))["t"] or Decimal("0.00"),
        "approved": requests.filter(funded).aggregate(t=Sum("approved_amount"))["t"] or Decimal("0.00"),
        "committed": Commitment.objects.filter(spend_of).aggregate(t=Sum("amount"))["t"] or Decimal("0.00"),
        "actual": Expense.objects.filter(spend_of).aggregate(t=Sum("amount"))["t"] or Decimal("0.00"),
    }
    totals["remaining"] = totals["allocated"] - totals["approved"]
    totals["variance"] = totals["allocated"] - totals["actual"]
    return rows, unallocated, totals


def spend_without_request(*, user, date_from=None, date_to=None, category=None) -> dict:
    """Accounting spend no approved funding request covers: the unmapped queue's lines (must be zero, §6).

    For the reports: ``{"total": Decimal, "count": int, "lines": queryset}``;
    only finance and admins see accounting lines, others get zero.
    """
    from budgets.models import ActualLine

    lines = ActualLine.objects.visible_to(user).filter(status=ActualLineStatus.UNMAPPED)
    if date_from is not None:
        lines = lines.filter(date__gte=date_from)
    if date_to is not None:
        lines = lines.filter(date__lte=date_to)
    if category is not None:
        lines = lines.filter(category=category)
    sums = lines.aggregate(total=Sum("amount"), count=Count("pk"))
    return {
        "total": sums["total"] or Decimal("0.00"),
        "count": sums["count"] or 0,
        "lines": lines.select_related("source", "category").order_by("date", "line_number"),
    }


def team_spend_history(team_ids, *, periods: int = 4) -> dict:
    """Per team, what finance approved and what the team spent, period by period — for the review queue.

    Finance decides better knowing how a team used its earlier money: per
    team ``{"approved_total", "spent_total", "funded_count", "periods"}``,
    ``periods`` being the latest ``periods`` fiscal periods with funded
    requests (newest first) and their approved, spent and count. One query
    for every team, summed by the database.
    """
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import FundingRequest

    rows = (
        with_spend(FundingRequest.objects.filter(campaign__team_id__in=list(team_ids), status__in=FUNDED_STATUSES))
        .order_by()
        .values("campaign__team", "period", "period__name", "period__start_date")
        .annotate(approved=Sum("approved_amount"), spent=Sum("spent"), count=Count("pk"))
        .order_by("campaign__team", "-period__start_date", "period__name")
    )
    history: dict = {}
    for row in rows:
        team = history.setdefault(
            row["campaign__team"],
            {"approved_total": Decimal("0.00"), "spent_total": Decimal("0.00"), "funded_count": 0, "periods": []},
        )
        team["approved_total"] += row["approved"]
        team["spent_total"] += row["spent"]
        team["funded_count"] += row["count"]
        if len(team["periods"]) < periods:
            team["periods"].append(
                {"name": row["period__name"], "approved": row["approved"], "spent": row["spent"], "count": row["count"]}
            )
    return history


def campaign_money(*, campaign, requests) -> dict:
    """The campaign's money from its (annotated) requests, and ROI from its KPIs (PRODUCT.md §6).

    ROI = (actual revenue − actual cost) / actual cost; cost per lead = actual cost / actual leads.
    """
    from budgets.choices import REQUESTED_STATUSES
    from campaigns.choices import KPIMetric
    from campaigns.models import KPI

    funded = [r for r in requests if r.is_funded]
    approved = sum((r.approved_amount or Decimal("0")) for r in funded)
    committed = sum((r.committed for r in requests), Decimal("0"))
    spent = sum((r.spent for r in requests), Decimal("0"))
    kpis = dict(
        KPI.objects.filter(campaign=campaign, metric__in=[KPIMetric.REVENUE, KPIMetric.LEADS]).values_list(
            "metric", "actual"
        )
    )
    revenue, leads = kpis.get(KPIMetric.REVENUE), kpis.get(KPIMetric.LEADS)
    roi = ((revenue - spent) / spent * 100).quantize(Decimal("0.1")) if revenue is not None and spent > 0 else None
    cost_per_lead = (spent / leads).quantize(Decimal("0.01")) if leads and spent > 0 else None
    return {
        "planned": campaign.planned_cost,
        # Requested as on the utilisation page: waiting or funded, not drafts nor turned-down requests.
        "requested": sum((r.amount for r in requests if r.status in REQUESTED_STATUSES), Decimal("0")),
        "approved": approved,
        "committed": committed,
        "spent": spent,
        "left": approved - spent,
        "revenue": revenue,
        "roi_percent": roi,
        "cost_per_lead": cost_per_lead,
    }


# --- the context of a decision on money (issue 14, item 2) ----------------------------------------------


@dataclass(frozen=True)
class EarlierRequest:
    """One of the campaign's earlier funding requests, as the decider sees it next to this one."""

    number: str
    status: str
    status_label: str
    status_badge: str
    amount: Decimal
    approved_amount: Decimal | None
    period_name: str
    category_code: str


@dataclass(frozen=True)
class DecisionContext:
    """Where the request's budget line (period × team × category) stands, for whoever decides on it.

    ``approved`` is what the line's other funded requests were granted (their
    approved amounts, partial approvals included); ``committed`` and ``spent``
    are the line's POs and invoices; ``remaining_before`` = allocated −
    approved; ``remaining_after`` = that minus ``amount``, the money this
    decision would add (the amount asked, the amount granted once funded, or
    an amount the decider is considering). The figures are the line's, the
    same for every reader of the request.
    """

    funding_request_id: int
    number: str
    team_name: str
    period_name: str
    category_code: str
    category_name: str
    amount: Decimal
    has_allocation: bool
    allocated: Decimal
    approved: Decimal
    committed: Decimal
    spent: Decimal
    remaining_before: Decimal
    remaining_after: Decimal
    earlier: tuple[EarlierRequest, ...] = ()

    @property
    def over_budget_before(self) -> bool:
        return self.remaining_before < 0

    @property
    def over_budget_after(self) -> bool:
        return self.remaining_after < 0

    def with_amount(self, amount: Decimal) -> DecisionContext:
        """The same line if ``amount`` (e.g. a lower amount being approved) were granted instead."""
        from dataclasses import replace

        return replace(self, amount=amount, remaining_after=self.remaining_before - amount)

    def as_data(self) -> dict:
        """The API shape (``budget_context``): money as decimal strings, snake_case (PRODUCT.md §8)."""

        def money(value):
            return None if value is None else f"{value:.2f}"

        return {
            "team": self.team_name,
            "period": self.period_name,
            "category": self.category_code,
            "amount": money(self.amount),
            "has_allocation": self.has_allocation,
            "allocated": money(self.allocated),
            "approved": money(self.approved),
            "committed": money(self.committed),
            "spent": money(self.spent),
            "remaining_before": money(self.remaining_before),
            "remaining_after": money(self.remaining_after),
            "over_budget_after": self.over_budget_after,
            "earlier_requests": [
                {
                    "number": item.number,
                    "status": item.status,
                    "amount": money(item.amount),
                    "approved_amount": money(item.approved_amount),
                    "period": item.period_name,
                    "category": item.category_code,
                }
                for item in self.earlier
            ],
        }


@dataclass(frozen=True)
class LineFigures:
    """A budget line's money (period × team × category), summed once for every request on it."""

    allocated: Decimal | None  # None: the line has no allocation
    funded: Decimal  # approved amounts of the line's funded requests
    committed: Decimal
    spent: Decimal


def _line_key(request) -> tuple[int, int, int]:
    return (request.period_id, request.category_id, request.campaign.team_id)


def line_figures(requests) -> dict[tuple[int, int, int], LineFigures]:
    """The budget lines of ``requests`` (campaign loaded), keyed (period, category, team): two queries.

    One grouped query finds the lines' requests once and sums, per line, the
    funded requests' approved amounts and each request's commitments and
    expenses (one index probe per request); a second reads the lines'
    allocations. A page's 50 requests lie on some 50 lines holding about
    1 000 requests and 5 000 expenses at a large department's size, so the
    work is in finding them: as four queries each filtering the lines again,
    Django built the lines' condition four times and PostgreSQL planned it
    three times (half of the approval list's time at scale 1; issue 16). As
    one correlated subquery per figure and row, PostgreSQL summed a line again
    for every request on the page; the allocation, as a subquery of the sums,
    was probed once per request (15 of the query's 35 ms). The team is the
    requests' campaigns' team today.
    """
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import Commitment, Expense, FundingRequest

    keys = {_line_key(r) for r in requests}
    if not keys:
        return {}

    def per_request(model):
        rows = model.objects.filter(funding_request=OuterRef("pk")).order_by().values("funding_request")
        return Subquery(rows.annotate(s=Sum("amount")).values("s"), output_field=MONEY)

    sums = (
        FundingRequest.objects.filter(_on_lines(FundingRequest, keys, team="campaign__team_id"))
        .alias(line_code=_line_code(F("period_id"), F("category_id"), F("campaign__team_id")))
        .filter(line_code__in=sorted({_line_code(*key) for key in keys}))
        .order_by()
        .values("period_id", "category_id", "campaign__team_id")
        .annotate(
            funded=Sum("approved_amount", filter=Q(status__in=FUNDED_STATUSES)),
            committed=Sum(per_request(Commitment)),
            spent=Sum(per_request(Expense)),
        )
    )
    # A line holds at least the request that named it, unless that request moved or went in the
    # meantime: such a line has no money on it, only its allocation.
    found = {(row["period_id"], row["category_id"], row["campaign__team_id"]): row for row in sums}
    allocations = {
        (row["period_id"], row["category_id"], row["team_id"]): row["amount"]
        for row in BudgetAllocation.objects.filter(_on_lines(BudgetAllocation, keys, team="team_id")).values(
            "period_id", "category_id", "team_id", "amount"
        )
    }
    zero = Decimal("0.00")
    return {
        key: LineFigures(
            allocated=allocations.get(key),
            funded=found.get(key, {}).get("funded") or zero,
            committed=found.get(key, {}).get("committed") or zero,
            spent=found.get(key, {}).get("spent") or zero,
        )
        for key in keys
    }


def _on_lines(model, keys, *, team: str) -> Q:
    """Rows of ``model`` that may lie on the budget lines ``keys`` (period, category, team).

    A superset the indexes find: the lines' (period, category) pairs, of the
    lines' teams (``team`` names the rows' team); the caller keeps the lines it
    asked for. The pairs are written as SQL: as Q objects, Django took longer
    to build and compile 50 of them than PostgreSQL took to run the query.
    Written as one OR of (team, period, category) triples, PostgreSQL tested
    the whole OR on every request of the pairs (some 6 500 at scale 1, half
    the figures' time) and spent 11 ms planning it (issue 16).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    pairs = sorted({(period, category) for period, category, _ in keys})
    one_pair = f'({table}."period_id" = %s AND {table}."category_id" = %s)'
    on_pairs = RawSQL(  # noqa: S611 - the model's own table name; the ids are bound parameters
        f"({' OR '.join([one_pair] * len(pairs))})",
        [value for pair in pairs for value in pair],
        output_field=BooleanField(),
    )
    return Q(on_pairs) & Q(**{f"{team}__in": sorted({line_team for _, _, line_team in keys})})


def _line_code(period, category, team):
    """One integer per budget line, in SQL (expressions) or Python (ids), for a hashed ``IN`` list.

    Each id is taken modulo 1 024, so the code never overflows whatever the
    ids; two lines may share a code when their ids differ by multiples of
    1 024, which only lets the other line's requests through the filter: the
    sums are grouped by the real ids, and ``line_figures`` keeps the lines it
    was asked for.
    """
    if isinstance(period, int):
        return (period % 1024) * 1048576 + (category % 1024) * 1024 + team % 1024
    return Mod(period, 1024) * 1048576 + Mod(category, 1024) * 1024 + Mod(team, 1024)


def _earlier_requests(requests) -> dict[int, tuple[EarlierRequest, ...]]:
    """Per request, the campaign's requests created before it (oldest first): one query for all of them."""
    from budgets.choices import FUNDING_STATUS_BADGE, FundingRequestStatus
    from budgets.models import FundingRequest

    campaign_ids = {r.campaign_id for r in requests}
    if not campaign_ids:
        return {}
    siblings = list(
        FundingRequest.objects.filter(campaign_id__in=campaign_ids)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "campaign_id",
            "number",
            "status",
            "amount",
            "approved_amount",
            "created_at",
            "period__name",
            "category__code",
        )
    )
    labels = dict(FundingRequestStatus.choices)
    by_campaign: dict[int, list[dict]] = {}
    for row in siblings:  # in their order: oldest first
        by_campaign.setdefault(row["campaign_id"], []).append(row)
    result = {}
    for request in requests:
        earlier = [
            EarlierRequest(
                number=row["number"],
                status=row["status"],
                status_label=str(labels.get(row["status"], row["status"])),
                status_badge=FUNDING_STATUS_BADGE.get(row["status"], "bg-secondary-lt"),
                amount=row["amount"],
                approved_amount=row["approved_amount"],
                period_name=row["period__name"],
                category_code=row["category__code"],
            )
            for row in by_campaign.get(request.campaign_id, ())
            if row["pk"] != request.pk and (row["created_at"], row["pk"]) < (request.created_at, request.pk)
        ]
        result[request.pk] = tuple(earlier)
    return result


def decision_contexts(requests) -> dict[int, DecisionContext]:
    """Decision contexts of funding requests (campaign team, period and category joined), keyed by
    request id: three queries for any number of requests (their lines, their campaigns' earlier requests)."""
    from budgets.choices import FUNDED_STATUSES

    requests = list(requests)
    lines = line_figures(requests)
    earlier = _earlier_requests(requests)
    contexts = {}
    for request in requests:
        line = lines[_line_key(request)]
        funded = request.status in FUNDED_STATUSES
        # What the line's *other* funded requests were granted; this one's money is ``amount``.
        approved = line.funded - (request.approved_amount or Decimal("0.00") if funded else Decimal("0.00"))
        amount = request.approved_amount if funded and request.approved_amount is not None else request.amount
        allocated = line.allocated if line.allocated is not None else Decimal("0.00")
        remaining_before = allocated - approved
        contexts[request.pk] = DecisionContext(
            funding_request_id=request.pk,
            number=request.number,
            team_name=request.campaign.team.name,
            period_name=request.period.name,
            category_code=request.category.code,
            category_name=request.category.display_name,
            amount=amount,
            has_allocation=line.allocated is not None,
            allocated=allocated,
            approved=approved,
            committed=line.committed,
            spent=line.spent,
            remaining_before=remaining_before,
            remaining_after=remaining_before - amount,
            earlier=earlier.get(request.pk, ()),
        )
    return contexts


def decision_contexts_for(user, ids) -> dict[int, DecisionContext]:
    """Contexts of the funding requests ``ids`` that ``user`` may read (others are left out): two queries.

    What the approvals engine asks through the funding-request subject
    handler, for its request page, its inbox and its API.
    """
    from budgets.models import FundingRequest

    ids = [int(i) for i in ids]
    if not ids:
        return {}
    requests = (
        FundingRequest.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("campaign__team", "period", "category")
        .order_by()  # keyed by id: no sort to pay for
    )
    return decision_contexts(requests)


def decision_context(funding_request, *, amount: Decimal | None = None) -> DecisionContext:
    """The decision context of one request (its budget line, earlier requests of its campaign).

    ``amount`` is a lower amount the decider is considering: "remaining
    after" is then computed for it.
    """
    from budgets.models import FundingRequest

    request = FundingRequest.objects.select_related("campaign__team", "period", "category").get(pk=funding_request.pk)
    context = decision_contexts([request])[request.pk]
    return context.with_amount(amount) if amount is not None else context


def programme_money(campaigns, scope) -> dict:
    """Approved, committed and spent money of a programme's campaigns, one query each (issue 18, item 7).

    Registered into :mod:`campaigns.rollup` (campaigns cannot import
    budgets). ``campaigns`` is already narrowed to what the reader may see;
    the requests are narrowed again by the reader's money scope, as every
    report's are. The figures are those of each campaign's Money panel
    (:func:`campaign_money`) added up: approved over funded requests,
    committed and spent over every request of the campaigns.
    """
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import Commitment, Expense, FundingRequest

    requests = FundingRequest.objects.in_scope(scope).filter(campaign__in=campaigns.values("pk")).order_by()
    of_requests = Q(funding_request__in=requests.values("pk"))
    figures = {
        "approved": requests.filter(status__in=FUNDED_STATUSES).aggregate(t=Sum("approved_amount"))["t"],
        "committed": Commitment.objects.filter(of_requests).aggregate(t=Sum("amount"))["t"],
        "spent": Expense.objects.filter(of_requests).aggregate(t=Sum("amount"))["t"],
    }
    return {key: value or Decimal("0.00") for key, value in figures.items()}
