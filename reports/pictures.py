"""The dashboards' pictures (issue 19): budget burn, spend by channel and the approvals funnel.

Each picture is a chart and the table of the same figures, computed by
:mod:`reports.selectors` over the viewer's one scope for the current fiscal
year. The chart is a :class:`reports.registry.Chart` drawn by
``static/js/reports.js`` like the report charts; the table is a real table
(typed columns formatted by ``report_cell``) shown under "Show table" and
always printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.scope import viewer_scope
from approvals.choices import RequestStatus
from reports import selectors
from reports.choices import ChartKind, ColumnType
from reports.registry import Chart, Column, Dataset


@dataclass
class Picture:
    """A dashboard chart and the table behind it."""

    chart_id: str
    title: str
    chart: Chart
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    notes: list[str] = field(default_factory=list)

    def cells(self):
        for row in self.rows:
            yield [(column, row.get(column.key)) for column in self.columns]

    def total_cells(self):
        if self.totals is None:
            return None
        return [(column, self.totals.get(column.key)) for column in self.columns]


BURN_LABELS = {
    "allocated": gettext_lazy("Allocated"),
    "approved": gettext_lazy("Approved"),
    "committed": gettext_lazy("Committed"),
    "spent": gettext_lazy("Spent"),
}


def budget_burn_picture(user, year, spend=None) -> Picture:
    rows, totals = selectors.budget_burn(user, year, spend=spend)
    for row in rows:
        row["label"] = date_format(row["month"], "YEAR_MONTH_FORMAT")
    labels = [row["label"] for row in rows]
    title = _("Budget burn in %(year)s, cumulative by month") % {"year": year.name}
    chart = Chart(
        kind=ChartKind.LINE,
        labels=labels,
        datasets=[Dataset(str(BURN_LABELS[m]), [row[m] for row in rows]) for m in selectors.BURN_MEASURES],
        title=title,
    )
    columns = [Column("label", _("Month"))] + [
        Column(m, BURN_LABELS[m], ColumnType.MONEY) for m in selectors.BURN_MEASURES
    ]
    return Picture(
        chart_id="budget-burn",
        title=title,
        chart=chart,
        columns=columns,
        rows=rows,
        totals={"label": _("Year"), **totals},
        notes=[_("Cumulative from the first month of the fiscal year; money of its periods.")],
    )


def spend_by_channel_picture(user, year, spend=None) -> Picture:
    rows, totals = selectors.spend_by_channel(user, year, spend=spend)
    for row in rows:
        row["label"] = str(row["channel"]) if row["channel"] else _("No channel")
    title = _("Spend by channel in %(year)s") % {"year": year.name}
    chart = Chart(
        kind=ChartKind.BAR,
        labels=[row["label"] for row in rows],
        datasets=[Dataset(_("Spent"), [row["spent"] for row in rows])],
        title=title,
    )
    columns = [
        Column("label", _("Channel")),
        Column("spent", _("Spent"), ColumnType.MONEY),
        Column("share", _("Share"), ColumnType.PERCENT),
    ]
    return Picture(
        chart_id="spend-by-channel",
        title=title,
        chart=chart,
        columns=columns,
        rows=rows,
        totals={"label": _("Total"), **totals},
        notes=[_("A campaign in several channels counts its spend equally in each.")],
    )


def approvals_funnel_picture(user, year) -> Picture:
    funnel = selectors.approvals_funnel(user, year)
    rows = [{"label": _("Submitted"), "count": funnel["submitted"]}]
    for stage in funnel["stages"]:
        label = _("Stage %(number)s") % {"number": stage["position"]}
        if stage["name"]:
            label = f"{label}: {stage['name']}"
        rows.append({"label": label, "count": stage["reached"], **stage})
    outcome_labels = {status: RequestStatus(status).label for status in selectors.FUNNEL_OUTCOMES}
    for status, count in funnel["outcomes"].items():
        rows.append({"label": str(outcome_labels[status]), "count": count})
    title = _("Approvals funnel in %(year)s") % {"year": year.name}
    chart = Chart(
        kind=ChartKind.BAR,
        labels=[row["label"] for row in rows],
        datasets=[Dataset(_("Requests"), [row["count"] for row in rows])],
        value_type=ColumnType.INT,
        title=title,
    )
    columns = [
        Column("label", _("Step")),
        Column("count", _("Requests"), ColumnType.INT),
        Column("approved", _("Approved"), ColumnType.INT),
        Column("changes_requested", _("Changes requested"), ColumnType.INT),
        Column("rejected", _("Rejected"), ColumnType.INT),
        Column("open", pgettext("approval stages", "Still open"), ColumnType.INT),
        Column("median_days", _("Median days in stage"), ColumnType.DECIMAL),
        Column("avg_days", _("Average days in stage"), ColumnType.DECIMAL),
    ]
    return Picture(
        chart_id="approvals-funnel",
        title=title,
        chart=chart,
        columns=columns,
        rows=rows,
        notes=[
            _(
                "Requests submitted in the fiscal year: how many reached each stage, how it ended and how long "
                "its decision took; then the requests by outcome. %(open)s still open, %(withdrawn)s withdrawn."
            )
            % {"open": funnel["open"], "withdrawn": funnel["withdrawn"]}
        ],
    )


def dashboard_pictures(user, today=None) -> dict:
    """The three pictures for the CMO and finance dashboards, or none without a fiscal year or a scope."""
    if viewer_scope(user).is_empty:
        return {}
    year = selectors.current_fiscal_year(today)
    if year is None:
        return {}
    spend = selectors.year_spend(user, year)  # the year's expenses, read once for both pictures
    return {
        "fiscal_year": year,
        "pictures": [
            budget_burn_picture(user, year, spend),
            spend_by_channel_picture(user, year, spend),
            approvals_funnel_picture(user, year),
        ],
    }
