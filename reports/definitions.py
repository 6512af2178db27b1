"""The reports of PRODUCT.md §6, registered in ``ReportsConfig.ready()``.

Each is a parameter form, its columns and a compute function over
:mod:`reports.selectors`; the registry turns them into pages, API answers,
exports and e-mails alike.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team
from accounts.scope import viewer_scope
from approvals.choices import SubjectKind
from budgets.models import ExpenseCategory, FiscalPeriod, FiscalYear
from campaigns.choices import CampaignStatus
from campaigns.models import Channel
from mrm.bounds import DateFormField
from reports import selectors
from reports.choices import ChartKind, ColumnType
from reports.registry import (
    Chart,
    Column,
    Dataset,
    Report,
    ReportForm,
    WindowRows,
    register,
    sees_all_money,
)

# --- parameter fields --------------------------------------------------------------------------


def team_field():
    return forms.ModelChoiceField(
        Team.objects.none(), required=False, label=gettext_lazy("Team"), empty_label=gettext_lazy("All")
    )


def year_field(label=None, help_text=""):
    return forms.ModelChoiceField(
        FiscalYear.objects.none(),
        required=False,
        label=label or gettext_lazy("Fiscal year"),
        empty_label=gettext_lazy("All"),
        help_text=help_text,
    )


def period_field():
    return forms.ModelChoiceField(
        FiscalPeriod.objects.none(),
        required=False,
        label=gettext_lazy("Fiscal period"),
        empty_label=gettext_lazy("All"),
    )


def category_field():
    return forms.ModelChoiceField(
        ExpenseCategory.objects.none(),
        required=False,
        label=gettext_lazy("Expense category"),
        empty_label=gettext_lazy("All"),
    )


def channel_field():
    return forms.ModelChoiceField(
        Channel.objects.none(), required=False, label=gettext_lazy("Channel"), empty_label=gettext_lazy("All")
    )


def date_field(label):
    return DateFormField(required=False, label=label, widget=forms.DateInput(attrs={"type": "date"}))


class ScopedChoicesMixin:
    """Choice lists are what the reader may see: the teams of their scope, periods, categories, channels."""

    def scope(self, user) -> None:
        if user is None:
            return
        teams = Team.objects.visible_to(user)
        viewer = viewer_scope(user)
        if not viewer.all_teams:
            teams = teams.filter(pk__in=viewer.team_ids)
        querysets = {
            "team": teams.order_by("name"),
            "year": FiscalYear.objects.visible_to(user).order_by("start_date"),
            "period": FiscalPeriod.objects.visible_to(user).select_related("year").order_by("start_date", "name"),
            "category": ExpenseCategory.objects.visible_to(user).order_by("code"),
            "channel": Channel.objects.visible_to(user).order_by("name"),
        }
        for name, queryset in querysets.items():
            if name in self.fields:
                self.fields[name].queryset = queryset


def label_of(obj) -> str:
    if obj is None:
        return "—"
    if isinstance(obj, ExpenseCategory):
        return f"{obj.code} · {obj.display_name}"
    return str(obj)


def channel_label(channel) -> str:
    return str(channel) if channel is not None else _("No channel")


# --- campaign status ------------------------------------------------------------------------------


class CampaignStatusForm(ScopedChoicesMixin, ReportForm):
    group_by = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Group by"),
        choices=[
            ("status", gettext_lazy("Status")),
            ("team", gettext_lazy("Team")),
            ("channel", gettext_lazy("Channel")),
            ("programme", gettext_lazy("Programme")),
        ],
    )
    team = team_field()
    channel = channel_field()
    status = forms.ChoiceField(
        required=False, label=gettext_lazy("Status"), choices=[("", gettext_lazy("All")), *CampaignStatus.choices]
    )
    date_from = date_field(gettext_lazy("Starting from"))
    date_to = date_field(gettext_lazy("Starting until"))
    year = year_field(
        gettext_lazy("Running in fiscal year"),
        gettext_lazy("The campaigns running at some time between the year's first and last day."),
    )


CAMPAIGN_GROUP_LABELS = {
    "status": gettext_lazy("Status"),
    "team": gettext_lazy("Team"),
    "channel": gettext_lazy("Channel"),
    "programme": gettext_lazy("Programme"),
}


def campaign_status_columns(params):
    group_by = params.get("group_by") or "status"
    return [
        Column("group", CAMPAIGN_GROUP_LABELS[group_by]),
        Column("campaigns", gettext_lazy("Campaigns"), ColumnType.INT),
        Column("planned_cost", gettext_lazy("Planned cost"), ColumnType.MONEY),
        Column("share", gettext_lazy("Share of planned cost"), ColumnType.PERCENT),
    ]


def campaign_status_compute(user, params):
    group_by = params.get("group_by") or "status"
    grouped, totals = selectors.campaign_status(
        user,
        group_by=group_by,
        team=params.get("team"),
        channel=params.get("channel"),
        status=params.get("status"),
        start_from=params.get("date_from"),
        start_to=params.get("date_to"),
        running_in=params.get("year"),
    )
    if group_by == "status":
        order = list(CampaignStatus.values)
        grouped.sort(key=lambda r: order.index(r["status"]))
        label = lambda r: str(CampaignStatus(r["status"]).label)  # noqa: E731
    elif group_by == "team":
        grouped.sort(key=lambda r: r["team__name"].lower())
        label = lambda r: r["team__name"]  # noqa: E731
    elif group_by == "programme":
        grouped = _by_programme(user, grouped)
        label = lambda r: r["label"]  # noqa: E731
    else:
        channels = selectors.channel_labels(r["channels__code"] for r in grouped)
        label = lambda r: channel_label(channels.get(r["channels__code"]))  # noqa: E731
        grouped.sort(key=lambda r: (r["channels__code"] is None, label(r).lower()))
    rows = [
        {
            "group": label(r),
            "campaigns": r["campaigns"],
            "planned_cost": r["planned_cost"] or Decimal("0.00"),
            "share": selectors.ratio_percent(r["planned_cost"] or 0, totals["planned_cost"]),
            **({"_links": {"group": r["url"]}} if r.get("url") else {}),
        }
        for r in grouped
    ]
    totals["group"] = _("Total")
    totals["share"] = Decimal("100.0") if totals["planned_cost"] else None
    chart = Chart(
        ChartKind.BAR,
        [r["group"] for r in rows],
        [Dataset(_("Campaigns"), [r["campaigns"] for r in rows])],
        value_type=ColumnType.INT,
        title=_("Campaigns by %(group)s") % {"group": str(CAMPAIGN_GROUP_LABELS[group_by]).lower()},
    )
    notes = []
    if group_by == "channel":
        notes.append(_("A campaign in several channels counts in each of them; the total counts it once."))
    if group_by == "programme":
        notes.append(programme_note())
    return rows, totals, chart, notes


def programme_note() -> str:
    return _(
        "A campaign counts in its top programme, with the programme's whole subtree (children and theirs), "
        "as on the programme's page; a campaign without a parent programme, a top programme included, "
        "counts under “Not in a programme”."
    )


def _by_programme(user, grouped: list[dict], sums=("campaigns", "planned_cost")) -> list[dict]:
    """Rows per top programme, named when the reader may open it; the others merged into one unnamed row.

    ``sums`` are the figures added up when rows merge (``None`` stays ``None``
    only when every merged row has none).
    """
    programmes = selectors.programme_labels(user, [r["programme"] for r in grouped])
    merged: dict[object, dict] = {}
    for r in grouped:
        programme = programmes.get(r["programme"])
        if r["programme"] is None:
            key, text, url = None, _("Not in a programme"), None
        elif programme is None:
            key, text, url = "hidden", _("Programmes you cannot open"), None
        else:
            key, text, url = programme.pk, str(programme), programme.get_absolute_url()
        row = merged.setdefault(key, {"label": text, "url": url, **dict.fromkeys(sums)})
        for figure in sums:
            if r[figure] is not None:
                row[figure] = (row[figure] or 0) + r[figure]
    # Named programmes by name, then the ones the reader cannot open, then the campaigns in none.
    last = {"hidden": 1, None: 2}
    ordered = sorted(merged.items(), key=lambda item: (last.get(item[0], 0), item[1]["label"].lower()))
    return [row for _key, row in ordered]


# --- approval cycle times --------------------------------------------------------------------------


class ApprovalCycleForm(ReportForm):
    subject_kind = forms.ChoiceField(
        required=False, label=gettext_lazy("Applies to"), choices=[("", gettext_lazy("All")), *SubjectKind.choices]
    )
    date_from = date_field(gettext_lazy("Stages started from"))
    date_to = date_field(gettext_lazy("Stages started until"))


def approval_cycle_columns(params):
    return [
        Column("workflow", gettext_lazy("Workflow")),
        Column("stage", gettext_lazy("Stage")),
        Column("kind", gettext_lazy("Applies to")),
        Column("decided", gettext_lazy("Decided"), ColumnType.INT),
        Column("avg_days", gettext_lazy("Average days to decide"), ColumnType.DECIMAL),
        Column("max_days", gettext_lazy("Longest (days)"), ColumnType.DECIMAL),
        Column("late", gettext_lazy("Decided late"), ColumnType.INT),
        Column("open", gettext_lazy("Still open"), ColumnType.INT),
        Column("open_overdue", gettext_lazy("Open and overdue"), ColumnType.INT),
        Column("breach_rate", gettext_lazy("SLA breach rate"), ColumnType.PERCENT),
    ]


def approval_cycle_compute(user, params):
    grouped, totals = selectors.approval_cycle_times(
        user,
        date_from=params.get("date_from"),
        date_to=params.get("date_to"),
        subject_kind=params.get("subject_kind"),
    )
    kinds = dict(SubjectKind.choices)
    rows = [
        {
            "workflow": r["request__template__name"],
            "stage": r["name"],
            "kind": str(kinds.get(r["request__subject_kind"], r["request__subject_kind"])),
            **{k: r[k] for k in ("decided", "avg_days", "max_days", "late", "open", "open_overdue", "breach_rate")},
        }
        for r in grouped
    ]
    totals["workflow"] = _("All stages")
    chart = Chart(
        ChartKind.BAR,
        [f"{r['workflow']} · {r['stage']}" for r in rows],
        [
            Dataset(_("Average days to decide"), [r["avg_days"] for r in rows]),
            Dataset(_("SLA breaches"), [r["late"] + r["open_overdue"] for r in rows]),
        ],
        value_type=ColumnType.DECIMAL,
        title=_("Days to decide and SLA breaches per stage"),
    )
    notes = [
        _(
            "A stage's cycle time runs from its start to the decision that closed it. It breached its SLA when "
            "decided after its due time or when still open past it."
        )
    ]
    return rows, totals, chart, notes


# --- budget vs actual -------------------------------------------------------------------------------


class BudgetForm(ScopedChoicesMixin, ReportForm):
    group_by = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Group by"),
        choices=[
            ("team", gettext_lazy("Team")),
            ("period", gettext_lazy("Fiscal period")),
            ("category", gettext_lazy("Expense category")),
            ("cell", gettext_lazy("Period, team and category")),
        ],
    )
    year = year_field(help_text=gettext_lazy("The money of the year's periods."))
    period = period_field()
    team = team_field()
    category = category_field()


BUDGET_DIMENSION_COLUMNS = {
    "period": Column("period", gettext_lazy("Period")),
    "team": Column("team", gettext_lazy("Team")),
    "category": Column("category", gettext_lazy("Category")),
}
BUDGET_MEASURES = [
    Column("allocated", gettext_lazy("Allocated"), ColumnType.MONEY),
    Column("requested", gettext_lazy("Requested"), ColumnType.MONEY),
    Column("approved", gettext_lazy("Approved"), ColumnType.MONEY),
    Column("committed", gettext_lazy("Committed"), ColumnType.MONEY),
    Column("actual", gettext_lazy("Actual"), ColumnType.MONEY),
    Column("remaining", gettext_lazy("Remaining"), ColumnType.MONEY),
    Column("variance", gettext_lazy("Variance"), ColumnType.MONEY),
    Column("utilisation", gettext_lazy("Actual of allocated"), ColumnType.PERCENT),
]


def budget_columns(params):
    dims = selectors.BUDGET_GROUPINGS[params.get("group_by") or "team"]
    return [BUDGET_DIMENSION_COLUMNS[d] for d in dims] + BUDGET_MEASURES


def budget_compute(user, params):
    group_by = params.get("group_by") or "team"
    dims = selectors.BUDGET_GROUPINGS[group_by]
    grouped, totals = selectors.budget_vs_actual(
        user,
        group_by=group_by,
        year=params.get("year"),
        period=params.get("period"),
        team=params.get("team"),
        category=params.get("category"),
    )
    rows = []
    for r in grouped:
        row = {dim: label_of(r[dim]) for dim in dims}
        row.update({c.key: r[c.key] for c in BUDGET_MEASURES})
        rows.append(row)
    totals[dims[0]] = _("Total")
    labels = [" · ".join(r[d].code if d == "category" else label_of(r[d]) for d in dims) for r in grouped]
    chart = Chart(
        ChartKind.BAR,
        labels,
        [
            Dataset(_("Allocated"), [r["allocated"] for r in rows]),
            Dataset(_("Approved"), [r["approved"] for r in rows]),
            Dataset(_("Actual"), [r["actual"] for r in rows]),
        ],
        value_type=ColumnType.MONEY,
        title=_("Budget against approved and actual spend"),
    )
    notes = [
        _(
            "Requested: submitted and approved requests. Remaining: allocated minus approved. Variance: allocated "
            "minus actual (negative means overspent)."
        )
    ]
    return rows, totals, chart, notes


# --- cost structure ------------------------------------------------------------------------------------


class CostStructureForm(ScopedChoicesMixin, ReportForm):
    period = period_field()
    team = team_field()
    category = category_field()
    channel = channel_field()
    date_from = date_field(gettext_lazy("Spent from"))
    date_to = date_field(gettext_lazy("Spent until"))


def cost_structure_columns(params):
    return [
        Column("period", gettext_lazy("Period")),
        Column("category", gettext_lazy("Category")),
        Column("channel", gettext_lazy("Channel")),
        Column("actual", gettext_lazy("Actual"), ColumnType.MONEY),
        Column("share", gettext_lazy("Share of total"), ColumnType.PERCENT),
    ]


def cost_structure_compute(user, params):
    grouped, totals, chart_cells = selectors.cost_structure(
        user,
        period=params.get("period"),
        team=params.get("team"),
        category=params.get("category"),
        channel=params.get("channel"),
        date_from=params.get("date_from"),
        date_to=params.get("date_to"),
    )
    rows = [
        {
            "period": label_of(r["period"]),
            "category": label_of(r["category"]),
            "channel": channel_label(r["channel"]),
            "actual": r["actual"],
            "share": r["share"],
        }
        for r in grouped
    ]
    totals["period"] = _("Total")
    periods = sorted({p for p, _c in chart_cells}, key=lambda p: selectors._dimension_sort_key("period", p))
    categories = sorted({c for _p, c in chart_cells}, key=lambda c: selectors._dimension_sort_key("category", c))
    chart = Chart(
        ChartKind.STACKED_BAR,
        [label_of(p) for p in periods],
        [Dataset(label_of(c), [chart_cells.get((p, c)) or Decimal("0") for p in periods]) for c in categories],
        value_type=ColumnType.MONEY,
        title=_("Actual spend per period, by category"),
    )
    notes = [
        _(
            "Actual spend is the expenses recorded against funding requests. An expense of a campaign in several channels is split equally between them."
        )
    ]
    return rows, totals, chart, notes


# --- ROI ----------------------------------------------------------------------------------------------


class ROIForm(ScopedChoicesMixin, ReportForm):
    group_by = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Group by"),
        choices=[
            ("campaign", gettext_lazy("Campaign")),
            ("channel", gettext_lazy("Channel")),
            ("programme", gettext_lazy("Programme")),
        ],
    )
    team = team_field()
    channel = channel_field()
    year = year_field(
        gettext_lazy("Funded in fiscal year"),
        gettext_lazy("The campaigns that asked for money of the year's periods, with their whole cost and results."),
    )
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Campaign status"),
        choices=[("", gettext_lazy("All")), *CampaignStatus.choices],
    )
    sort = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Sort by"),
        choices=[
            ("campaign", gettext_lazy("Name")),
            ("roi", gettext_lazy("ROI, highest first")),
            ("cost", gettext_lazy("Actual cost, highest first")),
        ],
    )


ROI_MEASURES = [
    Column("cost", gettext_lazy("Actual cost"), ColumnType.MONEY),
    Column("revenue", gettext_lazy("Revenue"), ColumnType.MONEY),
    Column("leads", gettext_lazy("Leads"), ColumnType.INT),
    Column("roi", gettext_lazy("ROI"), ColumnType.PERCENT),
    Column("cost_per_lead", gettext_lazy("Cost per lead"), ColumnType.MONEY),
]


def _sort_grouped(rows: list[dict], sort: str) -> None:
    """ROI by channel or programme ordered as asked (a handful of rows: Python sorts them; none last)."""
    if sort in ("roi", "cost"):
        rows.sort(key=lambda r: (r[sort] is None, -(r[sort] or 0)))


def roi_columns(params):
    if (params.get("group_by") or "campaign") == "channel":
        return [Column("channel", gettext_lazy("Channel")), *ROI_MEASURES]
    if params.get("group_by") == "programme":
        return [Column("programme", gettext_lazy("Programme")), *ROI_MEASURES]
    return [Column("campaign", gettext_lazy("Campaign")), Column("team", gettext_lazy("Team")), *ROI_MEASURES]


def roi_compute(user, params, window=None):
    """ROI per campaign, channel or programme; per campaign, a ``window`` is paged by the database.

    The chart shows the rows computed: every row for an export, the page's
    campaigns on a page (10 000 bars helped nobody and weighed most of the answer).
    """
    filters = {
        "team": params.get("team"),
        "channel": params.get("channel"),
        "status": params.get("status"),
        "funded_in": params.get("year"),
    }
    sort = params.get("sort") or "campaign"
    measures = [c.key for c in ROI_MEASURES]
    if params.get("group_by") == "programme":
        grouped, totals = selectors.roi_by_programme(user, **filters)
        rows = []
        for r in _by_programme(user, grouped, sums=("cost", "revenue", "leads")):
            leads = int(r["leads"]) if r["leads"] is not None else None
            cost = r["cost"] if r["cost"] is not None else Decimal("0.00")
            rows.append(
                {
                    "programme": r["label"],
                    "cost": cost,
                    "revenue": r["revenue"],
                    "leads": leads,
                    "roi": selectors.roi_percent(r["revenue"], cost),
                    "cost_per_lead": selectors.cost_per_lead(cost, leads),
                    **({"_links": {"programme": r["url"]}} if r["url"] else {}),
                }
            )
        _sort_grouped(rows, sort)
        labels = [r["programme"] for r in rows]
        totals["programme"] = _("Total")
    elif (params.get("group_by") or "campaign") == "channel":
        grouped, totals = selectors.roi_by_channel(user, **filters)
        rows = [{"channel": channel_label(r["channel"]), **{k: r[k] for k in measures}} for r in grouped]
        _sort_grouped(rows, sort)
        labels = [r["channel"] for r in rows]
        totals["channel"] = _("Total")
    else:
        grouped, totals = selectors.roi_by_campaign(user, sort=sort, window=window, **filters)
        rows = [
            {
                "campaign": str(r["campaign"]),
                "team": r["team"].name,
                **{k: r[k] for k in measures},
                "_links": {"campaign": r["campaign"].get_absolute_url()},
            }
            for r in grouped
        ]
        if window is not None:
            rows = WindowRows(rows, selectors.roi_campaign_count(user, **filters))
        labels = [r["campaign"].code for r in grouped]
        totals["campaign"] = _("Total")
    chart = Chart(
        ChartKind.BAR,
        labels,
        [
            Dataset(_("Actual cost"), [r["cost"] for r in rows]),
            Dataset(_("Revenue"), [r["revenue"] for r in rows]),
        ],
        value_type=ColumnType.MONEY,
        title=_("Actual cost against revenue"),
    )
    notes = [
        _(
            "ROI = (revenue − actual cost) / actual cost; cost per lead = actual cost / leads. Revenue and leads are "
            "the actual values of the campaigns' KPIs; actual cost is their expenses. Covers the campaigns of your "
            "scope that asked for money; a campaign in several channels is split equally between them."
        )
    ]
    if params.get("year"):
        notes.append(
            _(
                "The fiscal year chooses the campaigns that asked for money of its periods; each one's cost, revenue "
                "and leads are those of its whole life."
            )
        )
    if params.get("group_by") == "programme":
        notes.append(programme_note())
    return rows, totals, chart, notes


# --- spend without a request ---------------------------------------------------------------------------


class SpendWithoutRequestForm(ScopedChoicesMixin, ReportForm):
    category = category_field()
    date_from = date_field(gettext_lazy("Booked from"))
    date_to = date_field(gettext_lazy("Booked until"))


def spend_without_request_columns(params):
    return [
        Column("date", gettext_lazy("Date"), ColumnType.DATE),
        Column("document", gettext_lazy("Document")),
        Column("vendor", gettext_lazy("Vendor")),
        Column("category", gettext_lazy("Category")),
        Column("request_number", gettext_lazy("Request number found")),
        Column("amount", gettext_lazy("Amount"), ColumnType.MONEY),
    ]


def spend_without_request_compute(user, params):
    found, by_category = selectors.unmapped_spend(
        user, date_from=params.get("date_from"), date_to=params.get("date_to"), category=params.get("category")
    )
    rows = [
        {
            "date": line.date,
            "document": line.document_number,
            "vendor": line.vendor,
            "category": label_of(line.category) if line.category_id else (line.category_name or "—"),
            "request_number": line.request_number or "—",
            "amount": line.amount,
            "_links": {"document": reverse("budgets:actual_line", args=[line.pk])},
        }
        for line in found["lines"]
    ]
    totals = {"date": _("Total"), "amount": found["total"]}
    chart = Chart(
        ChartKind.BAR,
        [r["category__code"] or _("No category") for r in by_category],
        [Dataset(_("Spend without a request"), [r["total"] for r in by_category])],
        value_type=ColumnType.MONEY,
        title=_("Spend without a request by category"),
    )
    if found["total"]:
        notes = [
            _(
                "%(count)s accounting lines are not covered by an approved funding request. Map them to a request "
                "or set them aside in the unmapped queue: this total must be zero."
            )
            % {"count": found["count"]}
        ]
    else:
        notes = [_("Zero: every imported line of marketing spend is covered by an approved funding request.")]
    return rows, totals, chart, notes


def register_reports() -> None:
    register(
        Report(
            slug="campaign-status",
            title=gettext_lazy("Campaign status"),
            description=gettext_lazy("Campaigns counted and their planned cost, by status, team or channel."),
            form_class=CampaignStatusForm,
            columns=campaign_status_columns,
            compute=campaign_status_compute,
            order=10,
        )
    )
    register(
        Report(
            slug="budget-vs-actual",
            title=gettext_lazy("Budget vs actual"),
            description=gettext_lazy(
                "Allocated, requested, approved, committed and actual money by period, team or category, with "
                "remaining budget and variance."
            ),
            form_class=BudgetForm,
            columns=budget_columns,
            compute=budget_compute,
            order=20,
        )
    )
    register(
        Report(
            slug="cost-structure",
            title=gettext_lazy("Cost structure"),
            description=gettext_lazy("Actual spend by expense category, channel and period, with each part's share."),
            form_class=CostStructureForm,
            columns=cost_structure_columns,
            compute=cost_structure_compute,
            order=30,
        )
    )
    register(
        Report(
            slug="roi",
            title=gettext_lazy("ROI by campaign and channel"),
            description=gettext_lazy("Actual cost against actual revenue and leads: ROI and cost per lead."),
            form_class=ROIForm,
            columns=roi_columns,
            compute=roi_compute,
            order=40,
            pages_in_sql=True,
        )
    )
    register(
        Report(
            slug="approval-cycle-times",
            title=gettext_lazy("Approval cycle times"),
            description=gettext_lazy("How long each approval stage takes to decide, and its SLA breaches."),
            form_class=ApprovalCycleForm,
            columns=approval_cycle_columns,
            compute=approval_cycle_compute,
            order=50,
        )
    )
    register(
        Report(
            slug="spend-without-request",
            title=gettext_lazy("Spend without a request"),
            description=gettext_lazy(
                "Accounting lines no approved funding request covers. It must be zero: the proof that spend control "
                "works."
            ),
            form_class=SpendWithoutRequestForm,
            columns=spend_without_request_columns,
            compute=spend_without_request_compute,
            available_to=sees_all_money,
            order=60,
        )
    )
