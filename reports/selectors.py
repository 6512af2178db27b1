"""The figures of reports and dashboards, each added up over the viewer's one scope.

Reports stand on the top floor: they read campaigns, approvals and budgets
and nothing imports them. Every figure of a report comes from the same
scope (:func:`accounts.scope.viewer_scope`: all teams for finance,
leadership and admins, one's own teams otherwise), applied by the models'
``in_scope(scope)``, so the parts of a page add up and finance and
leadership see the same totals. Every figure here is summed, counted or averaged
by the database (``values().annotate()``, ``aggregate()``, subqueries);
Python only merges the few grouped rows of different sources by key and
computes ratios of a row. The number of queries never depends on the
number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Team
from accounts.scope import viewer_scope
from approvals.choices import RequestStatus, StageStatus
from approvals.models import ApprovalRequest, StageState
from budgets.choices import FUNDED_STATUSES, REQUESTED_STATUSES, FundingRequestStatus
from budgets.models import (
    BudgetAllocation,
    Commitment,
    Expense,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    FundingRequest,
)
from campaigns.choices import OPEN_STATUSES, KPIMetric
from campaigns.models import KPI, Campaign, Channel, Task
from campaigns.rollup import programme_of

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
DECIDED_STAGE_STATUSES = (StageStatus.APPROVED, StageStatus.CHANGES_REQUESTED, StageStatus.REJECTED)


def ratio_percent(part, whole, places: str = "0.1") -> Decimal | None:
    """``part / whole`` as a percentage, or ``None`` when the whole is zero (no ratio to show)."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places))


def roi_percent(revenue, cost) -> Decimal | None:
    """ROI = (revenue − actual cost) / actual cost (PRODUCT.md §6); none without cost or revenue."""
    if revenue is None or not cost or cost <= 0:
        return None
    return ((Decimal(revenue) - Decimal(cost)) * 100 / Decimal(cost)).quantize(Decimal("0.1"))


def cost_per_lead(cost, leads) -> Decimal | None:
    if not leads or not cost or cost <= 0:
        return None
    return (Decimal(cost) / Decimal(leads)).quantize(Decimal("0.01"))


# --- campaign status ---------------------------------------------------------------------------


def campaigns_for(user, *, team=None, channel=None, status=None, start_from=None, start_to=None, running_in=None):
    """The campaigns a campaign report covers: those of the viewer's scope, filtered.

    ``running_in`` (a fiscal year) keeps the campaigns whose dates meet the
    year's: running on at least one of its days.
    """
    campaigns = Campaign.objects.in_scope(viewer_scope(user))
    if running_in is not None:
        campaigns = campaigns.filter(start_date__lte=running_in.end_date, end_date__gte=running_in.start_date)
    if team is not None:
        campaigns = campaigns.filter(team=team)
    if channel is not None:
        campaigns = campaigns.filter(channels=channel)
    if status:
        campaigns = campaigns.filter(status=status)
    if start_from is not None:
        campaigns = campaigns.filter(start_date__gte=start_from)
    if start_to is not None:
        campaigns = campaigns.filter(start_date__lte=start_to)
    return campaigns


CAMPAIGN_GROUPS = {
    "status": ("status",),
    "team": ("team", "team__name"),
    "channel": ("channels", "channels__code", "channels__name"),
    # The top programme a campaign belongs to (None: in no programme); a row adds up what its card shows.
    "programme": ("programme",),
}


def campaign_status(user, *, group_by="status", **filters) -> tuple[list[dict], dict]:
    """Campaigns counted and their planned cost summed per status, team, channel or programme.

    A campaign in several channels counts in each of them; the totals count
    it once. By programme, a campaign counts in its top programme (the root
    of its ``parent`` chain, :func:`campaigns.rollup.programme_of`); a campaign
    with no parent — a top programme itself, or a campaign in none — in the
    row ``programme = None``. So a programme's row adds up exactly what its
    roll-up card shows the same reader.
    """
    campaigns = campaigns_for(user, **filters)
    fields = CAMPAIGN_GROUPS[group_by]
    grouped = Campaign.objects.filter(pk__in=campaigns.values("pk")).order_by()
    if group_by == "programme":
        grouped = grouped.annotate(programme=programme_of())
    rows = list(
        grouped.values(*fields).annotate(campaigns=Count("pk", distinct=True), planned_cost=Sum("planned_cost"))
    )
    totals = Campaign.objects.filter(pk__in=campaigns.values("pk")).aggregate(
        campaigns=Count("pk"), planned_cost=Sum("planned_cost")
    )
    totals["planned_cost"] = totals["planned_cost"] or ZERO
    return rows, totals


def programme_labels(user, ids) -> dict[int, Campaign]:
    """The programmes of ``ids`` the reader may open, by id (one query); the others stay unnamed."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return {}
    return {c.pk: c for c in Campaign.objects.visible_to(user).filter(pk__in=ids).only("pk", "code", "name")}


# --- approval cycle times -------------------------------------------------------------------------


def _days(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


def approval_cycle_times(user, *, date_from=None, date_to=None, subject_kind=None, now=None):
    """Per stage (template × stage name): decided stages, average and longest time to decide, SLA breaches.

    A stage's cycle time runs from its start to the decision that finished
    it (``StageState.started_at → finished_at``). It breached its SLA when
    decided after its due time, or when still open past it. Stopped stages
    (withdrawn requests) do not count.
    """
    now = now or timezone.now()
    states = StageState.objects.filter(
        request__in=ApprovalRequest.objects.in_scope(viewer_scope(user)).values("pk"), started_at__isnull=False
    ).exclude(status__in=[StageStatus.CANCELLED, StageStatus.WAITING])
    if date_from is not None:
        states = states.filter(started_at__date__gte=date_from)
    if date_to is not None:
        states = states.filter(started_at__date__lte=date_to)
    if subject_kind:
        states = states.filter(request__subject_kind=subject_kind)
    decided = Q(status__in=DECIDED_STAGE_STATUSES, finished_at__isnull=False)
    open_ = Q(status=StageStatus.IN_PROGRESS)
    duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    measures = {
        "decided": Count("pk", filter=decided),
        "avg_duration": Avg(duration, filter=decided),
        "max_duration": Max(duration, filter=decided),
        "late": Count("pk", filter=decided & Q(due_at__isnull=False, finished_at__gt=F("due_at"))),
        "open": Count("pk", filter=open_),
        "open_overdue": Count("pk", filter=open_ & Q(due_at__lt=now)),
    }
    rows = list(
        states.order_by()
        .values("request__template__name", "request__subject_kind", "name")
        .annotate(**measures)
        .order_by("request__template__name", "name")
    )
    totals = states.aggregate(**measures)
    for row in [*rows, totals]:
        row["avg_days"] = _days(row.pop("avg_duration"))
        row["max_days"] = _days(row.pop("max_duration"))
        row["breaches"] = row["late"] + row["open_overdue"]
        row["breach_rate"] = ratio_percent(row["breaches"], row["decided"] + row["open"])
    return rows, totals


# --- budget vs actual -----------------------------------------------------------------------------

#: Where each dimension of a budget cell is found on allocations, funding requests and spend.
BUDGET_DIMENSIONS = {
    "period": {"allocation": "period", "request": "period", "spend": "funding_request__period"},
    "team": {"allocation": "team", "request": "campaign__team", "spend": "campaign__team"},
    "category": {"allocation": "category", "request": "category", "spend": "funding_request__category"},
}
BUDGET_GROUPINGS = {
    "period": ("period",),
    "team": ("team",),
    "category": ("category",),
    "cell": ("period", "team", "category"),
}


def _grouped(queryset, dims, source: str, **sums) -> dict[tuple, dict]:
    paths = [BUDGET_DIMENSIONS[d][source] for d in dims]
    rows = queryset.order_by().values(*paths).annotate(**sums)
    return {tuple(row[p] for p in paths): row for row in rows}


def budget_vs_actual(user, *, group_by="cell", year=None, period=None, team=None, category=None):
    """Allocated, requested, approved, committed and actual money per period, team, category or cell.

    Every source is read over the viewer's one scope (a marketer: their
    teams' allocations, requests and spend; finance and leadership: every
    team's) and summed by the database, one query per source; the grouped
    rows are merged by key, and the totals are those rows added up (every
    row falls in one group, the one of no team or category included), not
    a second pass over the same tables. ``year`` keeps the money of that
    fiscal year's periods, as the budget burn counts it (its last month
    ends at these totals). Remaining = allocated − approved (what can still
    be requested); variance = allocated − actual (negative: overspent);
    utilisation = actual / allocated.
    """
    dims = BUDGET_GROUPINGS[group_by]
    scope = viewer_scope(user)
    allocations = BudgetAllocation.objects.in_scope(scope)
    requests = FundingRequest.objects.in_scope(scope)
    commitments = Commitment.objects.in_scope(scope)
    expenses = Expense.objects.in_scope(scope)
    if year is not None:
        allocations = allocations.filter(period__year=year)
        requests = requests.filter(period__year=year)
        commitments = commitments.filter(funding_request__period__year=year)
        expenses = expenses.filter(funding_request__period__year=year)
    for dim, value in (("period", period), ("team", team), ("category", category)):
        if value is None:
            continue
        paths = BUDGET_DIMENSIONS[dim]
        allocations = allocations.filter(**{paths["allocation"]: value})
        requests = requests.filter(**{paths["request"]: value})
        commitments = commitments.filter(**{paths["spend"]: value})
        expenses = expenses.filter(**{paths["spend"]: value})
    # The requested and the approved money in one pass over the requests.
    asked = _grouped(
        requests.filter(status__in=set(REQUESTED_STATUSES) | set(FUNDED_STATUSES)),
        dims,
        "request",
        requested=Sum("amount", filter=Q(status__in=REQUESTED_STATUSES)),
        approved=Sum("approved_amount", filter=Q(status__in=FUNDED_STATUSES)),
    )
    sources = {
        "allocated": _grouped(allocations, dims, "allocation", allocated=Sum("amount")),
        "requested": asked,
        "approved": asked,
        "committed": _grouped(commitments, dims, "spend", committed=Sum("amount")),
        "actual": _grouped(expenses, dims, "spend", actual=Sum("amount")),
    }
    keys = set().union(*(source.keys() for source in sources.values()))
    labels = _dimension_labels(dims, keys)
    rows = []
    for key in keys:
        row = {dim: labels[dim].get(key[i]) for i, dim in enumerate(dims)}
        for measure, source in sources.items():
            row[measure] = (source.get(key) or {}).get(measure) or ZERO
        _budget_ratios(row)
        rows.append(row)
    rows.sort(key=lambda r: tuple(_dimension_sort_key(dim, r[dim]) for dim in dims))
    totals = {measure: sum((row[measure] for row in rows), ZERO) for measure in sources}
    _budget_ratios(totals)
    return rows, totals


def _budget_ratios(row: dict) -> None:
    row["remaining"] = row["allocated"] - row["approved"]
    row["variance"] = row["allocated"] - row["actual"]
    row["utilisation"] = ratio_percent(row["actual"], row["allocated"])


def _dimension_labels(dims, keys) -> dict[str, dict]:
    """The period, team and category objects behind the ids of the keys (one query per dimension)."""
    models = {"period": FiscalPeriod, "team": Team, "category": ExpenseCategory}
    labels = {}
    for i, dim in enumerate(dims):
        ids = {key[i] for key in keys if key[i] is not None}
        labels[dim] = models[dim].objects.in_bulk(list(ids))
    return labels


def _dimension_sort_key(dim, obj):
    if obj is None:
        return (1, "")
    if dim == "period":
        return (0, obj.start_date.isoformat(), obj.name)
    if dim == "category":
        return (0, obj.code)
    return (0, obj.name.lower())


# --- cost structure and ROI -----------------------------------------------------------------------


def channels_of(campaigns) -> dict[int, tuple]:
    """Each campaign's channel codes (one query); ``campaigns`` holds ids or a queryset of them."""
    codes: dict[int, list] = defaultdict(list)
    memberships = Campaign.channels.through.objects.filter(campaign_id__in=campaigns).values_list(
        "campaign_id", "channel__code"
    )
    for campaign_id, code in memberships:
        codes[campaign_id].append(code)
    return {campaign_id: tuple(found) for campaign_id, found in codes.items()}


def _split_by_channel(grouped, keys: tuple[str, ...], values: tuple[str, ...], campaigns=None, *, channels=None):
    """Sums per ``keys`` + channel code from rows already grouped per campaign in SQL.

    A campaign's money is split equally between its channels (one without
    channels counts under ``None``), so the cells still add up to the total.
    The rows are first added up per ``keys`` and set of channels (a department
    has a handful of channel sets and thousands of campaigns), then each sum is
    split once: split per campaign row, ROI by channel spent 50 ms on divisions
    at 10k campaigns (issue 16), as a per-row channel-count subquery once made
    the CMO dashboard take seconds. ``channels`` is :func:`channels_of` when the
    caller already has it, else it is read for ``campaigns`` (one query).
    """
    if channels is None:
        channels = channels_of(campaigns)
    per_set: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for row in grouped:
        cell = per_set[(tuple(row[key] for key in keys), channels.get(row["campaign"]) or (None,))]
        for value in values:
            if row[value] is not None:
                cell[value] = cell.get(value, ZERO) + Decimal(row[value])
    sums: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for (key, codes), totals in per_set.items():
        for code in codes:
            cell = sums[(*key, code)]
            for value, total in totals.items():
                cell[value] = cell.get(value, ZERO) + total / len(codes)
    return sums


def channel_labels(codes) -> dict:
    """Channels by code, so grouped rows show translated names (one query)."""
    return {c.code: c for c in Channel.objects.filter(code__in=[c for c in codes if c])}


def cost_structure(user, *, period=None, team=None, category=None, channel=None, date_from=None, date_to=None):
    """Actual spend (expenses) per period × category × channel, with each cell's share of the total.

    An expense of a campaign in several channels is split equally between
    them, so the cells add up to the total.
    """
    expenses = Expense.objects.in_scope(viewer_scope(user))
    if period is not None:
        expenses = expenses.filter(funding_request__period=period)
    if team is not None:
        expenses = expenses.filter(campaign__team=team)
    if category is not None:
        expenses = expenses.filter(funding_request__category=category)
    if date_from is not None:
        expenses = expenses.filter(date__gte=date_from)
    if date_to is not None:
        expenses = expenses.filter(date__lte=date_to)
    if channel is not None:
        # Through the campaign's channels an expense could be joined once per channel: each once.
        expenses = Expense.objects.filter(pk__in=expenses.filter(campaign__channels=channel).values("pk"))
    keys = ("funding_request__period", "funding_request__category")
    # The expenses are read once, summed per campaign × period × category; the total and the
    # chart's period × category cells are added up from those sums (they were two more passes
    # over every expense, on the finance dashboard; issue 16).
    per_campaign = list(expenses.order_by().values("campaign", *keys).annotate(actual=Sum("amount")))
    cells = _split_by_channel(per_campaign, keys, ("actual",), {row["campaign"] for row in per_campaign})
    total = sum((row["actual"] for row in per_campaign if row["actual"] is not None), ZERO)
    by_period_category: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for row in per_campaign:
        if row["actual"] is not None:
            by_period_category[(row["funding_request__period"], row["funding_request__category"])] += row["actual"]
    periods = FiscalPeriod.objects.in_bulk([period for period, _, _ in cells])
    categories = ExpenseCategory.objects.in_bulk([category for _, category, _ in cells])
    channels = channel_labels(code for _, _, code in cells)
    rows = []
    for (period, category, code), sums in cells.items():
        actual = sums.get("actual", ZERO).quantize(Decimal("0.01"))
        rows.append(
            {
                "period": periods.get(period),
                "category": categories.get(category),
                "channel": channels.get(code),
                "actual": actual,
                "share": ratio_percent(actual, total),
            }
        )
    rows.sort(
        key=lambda r: (
            _dimension_sort_key("period", r["period"]),
            _dimension_sort_key("category", r["category"]),
            str(r["channel"] or "~"),
        )
    )
    chart_cells = {
        (periods.get(period_id), categories.get(category_id)): actual
        for (period_id, category_id), actual in by_period_category.items()
    }
    return rows, {"actual": total, "share": Decimal("100.0") if total else None}, chart_cells


def unmapped_spend(user, *, date_from=None, date_to=None, category=None):
    """Accounting lines no approved request covers (the unmapped queue), and their sums per category.

    Reads through budgets' ``spend_without_request`` selector (finance and
    admins only: others see nothing).
    """
    from budgets.selectors import spend_without_request

    found = spend_without_request(user=user, date_from=date_from, date_to=date_to, category=category)
    lines = found["lines"]
    by_category = list(
        lines.order_by().values("category__code").annotate(total=Sum("amount")).order_by("category__code")
    )
    return found, by_category


def money_campaigns(user, *, team=None, channel=None, status=None, funded_in=None):
    """The campaigns of the viewer's scope that asked for money (those with a funding request).

    ``funded_in`` (a fiscal year) keeps those that asked for money of that
    year's periods, as budget vs actual counts a year's money.
    """
    campaigns = campaigns_for(user, team=team, channel=channel, status=status)
    requests = (
        FundingRequest.objects.all() if funded_in is None else FundingRequest.objects.filter(period__year=funded_in)
    )
    return campaigns.filter(pk__in=requests.values("campaign"))


def _kpi_actual(metric):
    return Subquery(
        KPI.objects.filter(campaign=OuterRef("pk"), metric=metric).values("actual")[:1],
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _roi_figures(campaigns, sort: str, *, cost):
    """``campaigns`` ordered as ROI per campaign's ``sort`` says: by code, or by ROI or cost, highest first.

    ``cost`` is the campaign's actual cost. The campaign's code (unique) breaks
    ties, so every page of the report holds its fixed rows.
    """
    if sort == "campaign":
        return campaigns.order_by("code")
    campaigns = campaigns.annotate(sort_cost=cost)
    if sort == "cost":
        return campaigns.order_by(F("sort_cost").desc(), "code")
    ratio = (F("sort_revenue") - F("sort_cost")) / F("sort_cost")
    return campaigns.annotate(
        sort_revenue=_kpi_actual(KPIMetric.REVENUE),
        sort_roi=Case(When(Q(sort_revenue__isnull=False, sort_cost__gt=0), then=ratio), output_field=DecimalField()),
    ).order_by(F("sort_roi").desc(nulls_last=True), "code")


def roi_by_campaign(user, *, sort="campaign", window=None, **filters):
    """Per campaign: actual cost (its expenses), actual revenue and leads (its KPIs), ROI and cost per lead.

    Ordered by ``sort`` (``campaign``, ``roi``, ``cost``) in the database. With a
    ``window`` (``offset``, ``limit``) the database picks that window's
    campaigns first (ordered by their code, or by their costs summed in one
    grouped join) and computes the figures of those only: a page of a
    department's 10 000 campaigns costs what a page costs, wherever it is
    (issue 16; the figures of every skipped row were computed before). The
    totals are one aggregate over every campaign either way
    (:func:`_roi_totals`), and :func:`roi_campaign_count` counts them.
    """
    campaigns = money_campaigns(user, **filters)
    spent = (
        Expense.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    chosen = Campaign.objects.filter(pk__in=campaigns.values("pk"))
    if window is not None:
        page = _roi_figures(chosen, sort, cost=Coalesce(Sum("expenses__amount"), Value(ZERO), output_field=MONEY_FIELD))
        chosen = Campaign.objects.filter(pk__in=page.values("pk")[window.offset : window.offset + window.limit])
    cost = Coalesce(Subquery(spent, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))
    rows = _roi_figures(
        chosen.select_related("team").annotate(
            cost=cost, revenue=_kpi_actual(KPIMetric.REVENUE), leads=_kpi_actual(KPIMetric.LEADS)
        ),
        sort,
        cost=F("cost"),
    )
    result = [
        {
            "campaign": c,
            "team": c.team,
            "cost": c.cost,
            "revenue": c.revenue,
            "leads": int(c.leads) if c.leads is not None else None,
            "roi": roi_percent(c.revenue, c.cost),
            "cost_per_lead": cost_per_lead(c.cost, c.leads),
        }
        for c in rows
    ]
    return result, _roi_totals(user, campaigns)


def roi_campaign_count(user, **filters) -> int:
    """How many campaigns ROI per campaign has rows for (one COUNT), when it computes only a page of them."""
    return money_campaigns(user, **filters).count()


def roi_by_channel(user, **filters):
    """Per channel: the same figures, a campaign's money split equally between its channels.

    The totals are the per-campaign sums added up: reading every expense of
    the campaigns a second time for them cost the CMO dashboard a pass over
    the expenses (issue 16).
    """
    campaigns = money_campaigns(user, **filters)
    ids = campaigns.values("pk")
    spent = list(Expense.objects.filter(campaign__in=ids).order_by().values("campaign").annotate(cost=Sum("amount")))
    results = list(
        KPI.objects.filter(campaign__in=ids)
        .order_by()
        .values("campaign")
        .annotate(
            revenue=Sum("actual", filter=Q(metric=KPIMetric.REVENUE)),
            leads=Sum("actual", filter=Q(metric=KPIMetric.LEADS)),
        )
    )
    channels = channels_of(ids)  # read once for both splits
    costs = {
        code: sums.get("cost") for (code,), sums in _split_by_channel(spent, (), ("cost",), channels=channels).items()
    }
    kpis = {
        code: sums for (code,), sums in _split_by_channel(results, (), ("revenue", "leads"), channels=channels).items()
    }
    codes = set(costs) | set(kpis)
    channels = channel_labels(codes)
    rows = []
    for code in codes:
        cost = Decimal(costs.get(code) or 0).quantize(Decimal("0.01"))
        revenue = (kpis.get(code) or {}).get("revenue")
        leads = (kpis.get(code) or {}).get("leads")
        revenue = Decimal(revenue).quantize(Decimal("0.01")) if revenue is not None else None
        leads = int(Decimal(leads).quantize(Decimal("1"))) if leads is not None else None
        rows.append(
            {
                "channel": channels.get(code),
                "cost": cost,
                "revenue": revenue,
                "leads": leads,
                "roi": roi_percent(revenue, cost),
                "cost_per_lead": cost_per_lead(cost, leads),
            }
        )
    rows.sort(key=lambda r: str(r["channel"] or "~").lower())
    totals = _roi_totals_row(
        sum((row["cost"] for row in spent if row["cost"] is not None), ZERO),
        _sum_or_none(row["revenue"] for row in results),
        _sum_or_none(row["leads"] for row in results),
    )
    return rows, totals


def roi_by_programme(user, **filters):
    """Per top programme (:func:`campaigns.rollup.programme_of`): the ROI figures of its campaigns added up.

    Grouped by the database over the same campaigns as ROI by campaign; a
    campaign without a parent counts in the row ``programme = None``, so the
    rows add up to the totals. Revenue and leads stay ``None`` for a row whose
    campaigns record none.
    """
    campaigns = money_campaigns(user, **filters)
    spent = (
        Expense.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    rows = list(
        Campaign.objects.filter(pk__in=campaigns.values("pk"))
        .annotate(
            programme=programme_of(),
            spent=Coalesce(Subquery(spent, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD)),
            revenue_actual=_kpi_actual(KPIMetric.REVENUE),
            leads_actual=_kpi_actual(KPIMetric.LEADS),
        )
        .order_by()
        .values("programme")
        .annotate(
            cost=Sum("spent"),
            revenue=Sum("revenue_actual"),
            leads=Sum("leads_actual"),
            campaigns=Count("pk"),
        )
    )
    return rows, _roi_totals(user, campaigns)


def _roi_totals(user, campaigns) -> dict:
    cost = Expense.objects.filter(campaign__in=campaigns.values("pk")).aggregate(t=Sum("amount"))["t"]
    kpis = KPI.objects.filter(campaign__in=campaigns.values("pk")).aggregate(
        revenue=Sum("actual", filter=Q(metric=KPIMetric.REVENUE)),
        leads=Sum("actual", filter=Q(metric=KPIMetric.LEADS)),
    )
    return _roi_totals_row(cost or ZERO, kpis["revenue"], kpis["leads"])


def _roi_totals_row(cost, revenue, leads) -> dict:
    """A totals row of ROI from its summed cost, revenue and leads (``None``: no KPI recorded)."""
    leads = int(leads) if leads is not None else None
    return {
        "cost": cost,
        "revenue": revenue,
        "leads": leads,
        "roi": roi_percent(revenue, cost),
        "cost_per_lead": cost_per_lead(cost, leads),
    }


def _sum_or_none(values):
    """The sum of the values that are not ``None``; ``None`` when all are (as SQL's ``SUM``)."""
    found = [value for value in values if value is not None]
    return sum(found, ZERO) if found else None


# --- dashboards ---------------------------------------------------------------------------------


def my_campaigns(user, limit=8):
    """Open campaigns the user owns or their teams run, soonest first."""
    return (
        Campaign.objects.visible_to(user)
        .filter(Q(owner=user) | Q(team_id__in=user.team_ids), status__in=OPEN_STATUSES)
        .select_related("team", "owner")
        .order_by("start_date", "code")[:limit]
    )


def my_tasks(user, limit=8):
    """Undone tasks assigned to the user, the overdue and soonest due first."""
    return (
        Task.objects.visible_to(user)
        .filter(assignee=user, done=False)
        .select_related("campaign")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:limit]
    )


def my_funding_requests(user, limit=8):
    """The user's own funding requests, newest first."""
    return FundingRequest.objects.visible_to(user).filter(requested_by=user).with_related()[:limit]


def approvals_waiting_on(user, limit=8):
    """What waits on the user's decision, oldest first (the inbox's head)."""
    return (
        ApprovalRequest.objects.pending_for(user)
        .select_related("submitted_by", "current_stage")
        .order_by("submitted_at", "pk")[:limit]
    )


def overdue_approvals(user, limit=8, now=None):
    """Open approval requests the user may read whose current stage is past due, the longest overdue first."""
    now = now or timezone.now()
    return (
        ApprovalRequest.objects.visible_to(user)
        .filter(status=RequestStatus.IN_PROGRESS, current_stage__due_at__lt=now)
        .select_related("submitted_by", "current_stage")
        .order_by("current_stage__due_at", "pk")[:limit]
    )


def requests_to_review(user, limit=8):
    """Submitted funding requests finance reviews, oldest first."""
    if not (user.is_mrm_admin or user.has_role(Role.FINANCE)):
        return FundingRequest.objects.none()
    return (
        FundingRequest.objects.visible_to(user)
        .filter(status=FundingRequestStatus.SUBMITTED)
        .with_related()
        .order_by("submitted_at", "pk")[:limit]
    )


# --- dashboard pictures: budget burn, spend by channel, approvals funnel (issue 19) -------------


class Median(Aggregate):
    """The median of a column: ``percentile_cont(0.5)`` on PostgreSQL; ``MRM_MEDIAN`` on SQLite.

    SQLite has no median: :mod:`reports.apps` registers ``MRM_MEDIAN`` on each
    SQLite connection, so the figure is still computed by the database, in the
    same grouped query as the average.
    """

    function = "MRM_MEDIAN"
    name = "Median"
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


def current_fiscal_year(today: datetime.date | None = None) -> FiscalYear | None:
    """The fiscal year the dashboards picture: the one holding today, else the latest begun, else the first.

    One query: a department has a handful of fiscal years.
    """
    today = today or timezone.localdate()
    years = sorted(FiscalYear.objects.only("name", "start_date", "end_date"), key=lambda y: y.start_date)
    for year in years:
        if year.start_date <= today <= year.end_date:
            return year
    begun = [year for year in years if year.start_date <= today]
    if begun:
        return begun[-1]
    return years[0] if years else None


def fiscal_months(year: FiscalYear) -> list[datetime.date]:
    """The first days of the months a fiscal year spans (12 for a calendar year)."""
    months = []
    month = year.start_date.replace(day=1)
    while month <= year.end_date:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month_of(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _by_month(rows, months: list[datetime.date]) -> dict[datetime.date, Decimal]:
    """Grouped ``{"month", "total"}`` rows onto the year's months: earlier money counts in the first, later in the last."""
    sums = dict.fromkeys(months, ZERO)
    for row in rows:
        month = _month_of(row["month"])
        if month is None or row["total"] is None:
            continue
        month = min(max(month, months[0]), months[-1])
        sums[month] += row["total"]
    return sums


BURN_MEASURES = ("allocated", "approved", "committed", "spent")


def year_spend(user, year: FiscalYear) -> list[dict]:
    """The fiscal year's expenses over the viewer's scope, summed per campaign and month (one query).

    Both the budget burn (per month) and spend by channel (per campaign) add
    these rows up, so the dashboard reads the year's expenses once.
    """
    return list(
        Expense.objects.in_scope(viewer_scope(user))
        .filter(funding_request__period__year=year)
        .order_by()
        .values("campaign", month=TruncMonth("date"))
        .annotate(spent=Sum("amount"))
    )


def budget_burn(user, year: FiscalYear, *, spend: list[dict] | None = None) -> tuple[list[dict], dict]:
    """Per month of the fiscal year: allocated, approved, committed and spent money, monthly and cumulative.

    The money of the year is that of its periods, over the viewer's one scope,
    as in budget vs actual (so the last month's cumulative figures are the
    year's totals there): allocations count in the month their period starts,
    funded requests in the month they were decided (their period's first month
    when no decision time is known), commitments and expenses in the month of
    their date. Money dated before the year counts in its first month, after it
    in its last. Four grouped queries, whatever the number of rows (three
    when ``spend``, the rows of :func:`year_spend`, is given).
    """
    scope = viewer_scope(user)
    months = fiscal_months(year)
    period_month = TruncMonth("period__start_date")
    sources = {
        "allocated": BudgetAllocation.objects.in_scope(scope)
        .filter(period__year=year)
        .order_by()
        .values(month=period_month)
        .annotate(total=Sum("amount")),
        "approved": FundingRequest.objects.in_scope(scope)
        .filter(period__year=year, status__in=FUNDED_STATUSES)
        .order_by()
        .values(month=Coalesce(TruncMonth("decided_at", output_field=DateField()), period_month))
        .annotate(total=Sum("approved_amount")),
        "committed": Commitment.objects.in_scope(scope)
        .filter(funding_request__period__year=year)
        .order_by()
        .values(month=TruncMonth("date"))
        .annotate(total=Sum("amount")),
    }
    spend = year_spend(user, year) if spend is None else spend
    sources["spent"] = [{"month": row["month"], "total": row["spent"]} for row in spend]
    monthly = {measure: _by_month(rows, months) for measure, rows in sources.items()}
    rows, running = [], dict.fromkeys(BURN_MEASURES, ZERO)
    for month in months:
        row = {"month": month}
        for measure in BURN_MEASURES:
            running[measure] += monthly[measure][month]
            row[f"{measure}_month"] = monthly[measure][month]
            row[measure] = running[measure]
        rows.append(row)
    totals = dict(running)
    totals["utilisation"] = ratio_percent(totals["spent"], totals["allocated"])
    return rows, totals


def spend_by_channel(user, year: FiscalYear, *, spend: list[dict] | None = None) -> tuple[list[dict], dict]:
    """Spend (expenses) of the fiscal year's periods per channel, largest first, with each channel's share.

    Summed per campaign and month in SQL (:func:`year_spend`, unless given as
    ``spend``); a campaign's money is split equally between its channels
    (:func:`_split_by_channel`), so the channels add up to the total. Three
    queries (two with ``spend``).
    """
    spend = year_spend(user, year) if spend is None else spend
    per_campaign = spend
    # The campaigns' ids, not a subquery: that would read the year's expenses a second time (issue 16).
    split = _split_by_channel(per_campaign, (), ("spent",), {row["campaign"] for row in per_campaign})
    total = sum((row["spent"] for row in per_campaign if row["spent"] is not None), ZERO)
    channels = channel_labels(code for (code,) in split)
    rows = []
    for (code,), sums in split.items():
        spent = sums.get("spent", ZERO).quantize(Decimal("0.01"))
        rows.append({"channel": channels.get(code), "spent": spent, "share": ratio_percent(spent, total)})
    rows.sort(key=lambda r: (-r["spent"], str(r["channel"] or "~").lower()))
    return rows, {"spent": total, "share": Decimal("100.0") if total else None}


FUNNEL_OUTCOMES = (RequestStatus.APPROVED, RequestStatus.CHANGES_REQUESTED, RequestStatus.REJECTED)


def approvals_funnel(user, year: FiscalYear) -> dict:
    """Approval requests submitted in the fiscal year, stage by stage to their outcome, with time in stage.

    ``submitted``: requests of the viewer's scope submitted between the year's
    first and last day. ``stages``: per stage position (1st, 2nd, …) how many
    of them reached it, how it ended (approved, changes requested, rejected,
    still open, stopped by a withdrawal) and the median and average days from
    the stage's start to its decision (decided stages only). ``outcomes``: the
    requests per final status. Two grouped queries.
    """
    scope = viewer_scope(user)
    start = timezone.make_aware(datetime.datetime.combine(year.start_date, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(year.end_date + datetime.timedelta(days=1), datetime.time.min))
    requests = ApprovalRequest.objects.in_scope(scope).filter(submitted_at__gte=start, submitted_at__lt=end)
    by_status = {
        row["status"]: row["n"] for row in requests.order_by().values("status").annotate(n=Count("pk")).order_by()
    }
    decided = Q(status__in=DECIDED_STAGE_STATUSES, finished_at__isnull=False)
    duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    stages = list(
        StageState.objects.filter(request__in=requests.values("pk"), started_at__isnull=False)
        .exclude(status=StageStatus.WAITING)
        .order_by()
        .values("order")
        .annotate(
            first_name=Min("name"),
            last_name=Max("name"),
            reached=Count("pk"),
            approved=Count("pk", filter=Q(status=StageStatus.APPROVED)),
            changes_requested=Count("pk", filter=Q(status=StageStatus.CHANGES_REQUESTED)),
            rejected=Count("pk", filter=Q(status=StageStatus.REJECTED)),
            open=Count("pk", filter=Q(status=StageStatus.IN_PROGRESS)),
            stopped=Count("pk", filter=Q(status=StageStatus.CANCELLED)),
            avg_duration=Avg(duration, filter=decided),
            median_duration=Median(duration, filter=decided, output_field=DurationField()),
        )
        .order_by("order")
    )
    for position, stage in enumerate(stages, start=1):
        stage["position"] = position
        # The stage's name when every workflow calls its stage at this position the same; else its number.
        first_name, last_name = stage.pop("first_name"), stage.pop("last_name")
        stage["name"] = first_name if first_name == last_name else None
        stage["avg_days"] = _days(stage.pop("avg_duration"))
        stage["median_days"] = _days(_as_duration(stage.pop("median_duration")))
    return {
        "submitted": sum(by_status.values()),
        "stages": stages,
        "outcomes": {status: by_status.get(status, 0) for status in FUNNEL_OUTCOMES},
        "open": by_status.get(RequestStatus.IN_PROGRESS, 0),
        "withdrawn": by_status.get(RequestStatus.CANCELLED, 0),
    }


def _as_duration(value) -> datetime.timedelta | None:
    """A median as a duration: PostgreSQL answers an interval; SQLite microseconds (a number)."""
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=float(value))
