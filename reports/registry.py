"""The report registry: one definition per report feeds its page, the API, every export and e-mail.

A report is a slug, a title and description, a parameter form (validated
filters, scoped to the reader), typed columns and a function computing rows,
totals and a chart for a user. The function adds up only the reader's one
scope (:mod:`accounts.scope`), so a report never shows what its reader may
not see and its parts add up — in the browser, in the API, in a background
export or in a subscriber's e-mail (rendered with each recipient's own
scope). Every result carries that scope, to be printed with the figures.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.scope import ViewerScope, sees_all_teams, viewer_scope
from mrm.replica import replica_reads
from reports.choices import ChartKind, ColumnType


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    type: str = ColumnType.TEXT

    @property
    def numeric(self) -> bool:
        return self.type != ColumnType.TEXT and self.type != ColumnType.DATE


@dataclass
class Dataset:
    label: str
    values: list


@dataclass
class Chart:
    """What the chart shows: computed by the report with its rows, drawn by Chart.js or as SVG in PDFs."""

    kind: str
    labels: list[str]
    datasets: list[Dataset]
    value_type: str = ColumnType.MONEY
    title: str = ""

    def as_json(self) -> dict:
        """Plain numbers for Chart.js (display only: the table and exports carry the exact Decimals)."""
        return {
            "kind": self.kind,
            "title": str(self.title),
            "value_type": self.value_type,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {"label": str(d.label), "data": [float(v) if v is not None else None for v in d.values]}
                for d in self.datasets
            ],
        }

    @property
    def json_text(self) -> str:
        """The chart as JSON for a ``data-chart`` attribute (htmx swaps drop script blocks, attributes stay)."""
        return json.dumps(self.as_json(), ensure_ascii=False)

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(v for d in self.datasets for v in d.values if v)


@dataclass(frozen=True)
class RowWindow:
    """``limit`` rows from ``offset``: the rows one page of a report shows (the page, the API's JSON)."""

    offset: int
    limit: int

    #: More rows than any report has: a window starting later holds nothing, and the database is never
    #: asked for an offset its integers cannot hold (``?page=99999999999999999999``).
    MAX_OFFSET = 10**9

    @classmethod
    def page(cls, number: int, size: int) -> RowWindow:
        return cls(min((number - 1) * size, cls.MAX_OFFSET), size)

    def of(self, rows: list) -> list:
        return rows[self.offset : self.offset + self.limit]


class WindowRows(list):
    """The rows of one :class:`RowWindow`, computed by the database, knowing how many rows there are in all.

    What a report whose ``Report.pages_in_sql`` is set returns from its
    compute function when asked for a window.
    """

    def __init__(self, rows, total: int):
        super().__init__(rows)
        self.total = total


class _CountedRows:
    """A window's rows as Django's paginator sees a list: ``total`` long, the window where it slices."""

    def __init__(self, rows: list, total: int, window: RowWindow):
        self.rows, self.total, self.window = rows, total, window

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        start = index.start or 0
        if start != self.window.offset:  # the paginator only ever asks for the window computed
            raise IndexError(start)
        return self.rows


@dataclass
class ReportResult:
    report: Report
    params: dict[str, str]
    filters: list[tuple[str, str]]
    columns: list[Column]
    rows: list[dict]
    totals: dict | None
    scope: ViewerScope
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    # Set when ``rows`` holds only some of this many rows (a page of the report, a dashboard card);
    # the totals still cover every row.
    rows_total: int | None = None
    # The rows asked for (a page), or ``None`` when ``rows`` is the whole table (exports, e-mails).
    window: RowWindow | None = None

    @property
    def query_string(self) -> str:
        return urlencode(self.params)

    def cells(self):
        """Rows as lists of (column, value, link), for templates; a row may link a cell (``_links``)."""
        for row in self.rows:
            links = row.get("_links") or {}
            yield [(column, row.get(column.key), links.get(column.key)) for column in self.columns]

    def total_cells(self):
        if self.totals is None:
            return None
        return [(column, self.totals.get(column.key), None) for column in self.columns]


class ReportParamsInvalid(ValidationError):
    """The report's parameters did not validate; carries the form's field errors."""

    def __init__(self, form: forms.Form):
        self.form = form
        self.field_errors = {
            ("non_field_errors" if name == "__all__" else name): [str(e) for e in errors]
            for name, errors in form.errors.items()
        }
        super().__init__(self.field_errors)


class ReportForm(forms.Form):
    """The parameters of a report, with choices scoped to the reader.

    Unknown query-string keys are ignored; a bad value (a team that does not
    exist or is not visible, a malformed date) is a field error, never a 500.
    """

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data if data is not None else {}, **kwargs)
        self.scope(user)
        for field_obj in self.fields.values():
            css = "form-select" if isinstance(field_obj.widget, forms.Select) else "form-control"
            field_obj.widget.attrs.setdefault("class", css)

    def scope(self, user) -> None:
        """Subclasses narrow their choice querysets to what ``user`` may see."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": _("The end date cannot be before the start date.")})
        return cleaned

    def params(self) -> dict[str, str]:
        """The canonical query string of the valid, non-empty parameters (for links, saved views, runs)."""
        result = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            field_obj = self.fields[name]
            if isinstance(field_obj, forms.ModelChoiceField):
                result[name] = str(value.pk)
            elif isinstance(value, datetime.date):
                result[name] = value.isoformat()
            else:
                result[name] = str(value)
        return result

    def applied_filters(self) -> list[tuple[str, str]]:
        """(label, shown value) of every parameter set, for the page, the PDF and the XLSX header."""
        shown = []
        for name, field_obj in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            if isinstance(field_obj, forms.ChoiceField) and not isinstance(field_obj, forms.ModelChoiceField):
                value = dict(field_obj.choices).get(value, value)
            elif isinstance(value, datetime.date):
                value = date_format(value, "SHORT_DATE_FORMAT")
            shown.append((str(field_obj.label), str(value)))
        return shown


def signed_in_with_role(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and (user.is_superuser or bool(user.roles))


def sees_all_money(user) -> bool:
    """Finance, leadership and admins: reports over every team's money (accounting lines included)."""
    return signed_in_with_role(user) and sees_all_teams(user)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    description: str | Promise
    form_class: type[ReportForm]
    columns: Callable[[Mapping[str, Any]], list[Column]]
    compute: Callable[..., tuple[list[dict], dict | None, Chart | None, list[str]]]
    available_to: Callable[[Any], bool] = signed_in_with_role
    order: int = 100
    # The compute function takes ``window=`` and may return only that window's rows (``WindowRows``),
    # paged by the database: a wide report (ROI of 10 000 campaigns) then computes one page's rows,
    # its totals by one aggregate and the count by one COUNT. Rows returned as a plain list (every
    # row) are sliced here, as are those of every other report.
    pages_in_sql: bool = False

    def form(self, data, user) -> ReportForm:
        return self.form_class(data, user=user)

    def run(self, user, data: Mapping | None = None) -> ReportResult:
        """Validate ``data`` as the user's parameters and compute the report as that user sees it."""
        form = self.form(data or {}, user)
        if not form.is_valid():
            raise ReportParamsInvalid(form)
        return self.result(user, form)

    def result(self, user, form: ReportForm, window: RowWindow | None = None) -> ReportResult:
        """The report over every row, or only ``window``'s rows (with their count and the totals of all)."""
        cleaned = form.cleaned_data
        with replica_reads():  # a report only reads: the replica serves it when there is one
            if window is not None and self.pages_in_sql:
                rows, totals, chart, notes = self.compute(user, cleaned, window=window)
            else:
                rows, totals, chart, notes = self.compute(user, cleaned)
        if isinstance(rows, WindowRows):  # the database computed the window's rows only
            rows_total, rows = rows.total, list(rows)
        else:  # a few grouped rows (ROI by channel), or the whole table: sliced here
            rows_total = len(rows)
            rows = window.of(rows) if window is not None else rows
        columns = self.columns(cleaned)
        for row in [*rows, totals or {}]:
            _normalise(row, columns)
        return ReportResult(
            report=self,
            params=form.params(),
            filters=form.applied_filters(),
            columns=columns,
            rows=rows,
            totals=totals,
            scope=viewer_scope(user),
            chart=chart,
            notes=notes,
            rows_total=rows_total if window is not None else None,
            window=window,
        )

    def run_up_to(self, user, data: Mapping | None, max_rows: int) -> tuple[ReportResult | None, int]:
        """The whole report as ``run`` computes it if it has at most ``max_rows`` rows, else ``None``; and its rows.

        A report paged by the database is counted first (its totals and one
        ``COUNT``, no row computed), so sending an export of 10 000 rows to the
        background does not compute the 10 000 rows on the way.
        """
        form = self.form(data or {}, user)
        if not form.is_valid():
            raise ReportParamsInvalid(form)
        if self.pages_in_sql:
            counted = self.result(user, form, RowWindow(0, 0)).rows_total
            if counted > max_rows:
                return None, counted
        result = self.result(user, form)
        return (result if len(result.rows) <= max_rows else None), len(result.rows)

    def page(self, user, form: ReportForm, number, per_page: int) -> tuple[ReportResult, Page]:
        """One page of the report's rows, the totals of every row, and the page for its links.

        ``number`` is read as Django's paginator reads it: not a number is the
        first page, past the last is the last. Only a page past the last is
        computed twice (its number is known wrong once the rows are counted).
        """
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        result = self.result(user, form, RowWindow.page(number, per_page))
        last = max(-(-result.rows_total // per_page), 1)
        if number > last:
            number = last
            result = self.result(user, form, RowWindow.page(number, per_page))
        paginator = Paginator(_CountedRows(result.rows, result.rows_total, result.window), per_page)
        return result, paginator.page(number)

    def query_string(self, params: Mapping[str, str]) -> str:
        """``params`` in the form's field order: one link per view, whatever order they were stored in."""
        order = list(self.form_class.base_fields)
        return urlencode(
            sorted(params.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        )

    def parameters(self) -> list[dict]:
        """The parameters as the API describes them."""
        return describe_fields(self.form_class)


CENT = Decimal("0.01")


def _normalise(row: dict, columns: list[Column]) -> None:
    """Money with two places, whatever the database returned (SQLite sums drop trailing zeros)."""
    for column in columns:
        value = row.get(column.key)
        if column.type == ColumnType.MONEY and value is not None:
            row[column.key] = Decimal(value).quantize(CENT)


def describe_fields(form_class: type[ReportForm]) -> list[dict]:
    described = []
    for name, field_obj in form_class.base_fields.items():
        if isinstance(field_obj, forms.ModelChoiceField):
            kind = "integer"
        elif isinstance(field_obj, forms.DateField):
            kind = "date"
        elif isinstance(field_obj, forms.ChoiceField):
            kind = "choice"
        else:
            kind = "string"
        entry = {"name": name, "type": kind, "label": str(field_obj.label), "required": field_obj.required}
        if kind == "choice":
            entry["choices"] = [{"value": str(v), "label": str(label)} for v, label in field_obj.choices if v != ""]
        if field_obj.help_text:
            entry["help"] = str(field_obj.help_text)
        described.append(entry)
    return described


_REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.slug in _REPORTS and _REPORTS[report.slug] is not report:
        raise ValueError(f"A report {report.slug!r} is registered already.")
    _REPORTS[report.slug] = report
    return report


def all_reports() -> list[Report]:
    return sorted(_REPORTS.values(), key=lambda r: (r.order, r.slug))


def reports_for(user) -> list[Report]:
    return [report for report in all_reports() if report.available_to(user)]


def get_report(slug: str) -> Report | None:
    return _REPORTS.get(slug)


__all__ = [
    "Chart",
    "ChartKind",
    "Column",
    "ColumnType",
    "Dataset",
    "Decimal",
    "Report",
    "ReportForm",
    "ReportParamsInvalid",
    "ReportResult",
    "RowWindow",
    "WindowRows",
    "all_reports",
    "get_report",
    "register",
    "reports_for",
]
