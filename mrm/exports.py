"""Every list as a file: CSV or XLSX, streamed, of any length, in the form the import takes back (issue 17).

One mechanism serves every list (campaigns, activities, tasks, funding
requests, commitments, expenses, approval requests, history): a list
declares an :class:`ExportSpec` — its columns in order, each with a key, a
header in the active language and where its value comes from — and the
file holds exactly the rows of the list it was asked from: the same
scoped queryset (``visible_to(user)``) with the same filters, search and
ordering (the caller passes the queryset it would page).

**The import's form.** Row 1 is the header, then one row per object; the
first column is ``id`` (header "ID"), then columns keyed by model field
names with ``capfirst(verbose_name)`` as header in the active language.
People are written by username, teams by name, a campaign by its code,
channels by code, choices by their label in the active language (the
importers read labels in either language and the stored value), dates ISO,
money as numbers. What the file is (title, whose rows, filters, when) goes
on a second sheet of the XLSX ("About"), which importers never read (they
read the first sheet); a CSV holds the table alone.

It follows :mod:`mrm.spreadsheets` (the reader's CSV dialect, UTF-8 with a
BOM, numbers bare, typed XLSX cells, no formula from data), and neither
format keeps the rows in memory:

- rows come from the database in chunks (``values_list`` +
  ``iterator(chunk_size=...)``: a server-side cursor on PostgreSQL), one
  query whatever the number of rows, plus one query per chunk and
  many-valued column (a campaign's channels): never a query per row;
- the CSV is a generator behind a ``StreamingHttpResponse``: the first bytes
  leave before the last row is read;
- the XLSX is written by openpyxl in write-only mode into a temporary file,
  which is then streamed.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mrm.spreadsheets import (
    XLSX_DATE,
    XLSX_DATE_FORMAT,
    XLSX_DATETIME,
    XLSX_NUMBER,
    XLSX_TEXT,
    CsvDialect,
    XlsxRowStream,
    csv_stream,
    money_number_format,
    set_xlsx_text,
    xlsx_safe_value,
)

#: Formats a list exports to (``?format=`` on the API, the pages' Export menus).
EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Rows fetched from the database at a time (a server-side cursor's FETCH on PostgreSQL).
CHUNK_SIZE = 2000

TEXT, DATE, DATETIME, MONEY, NUMBER, BOOLEAN = "text", "date", "datetime", "money", "number", "boolean"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    """One column of a list's file: its key (a model field name), header, and where its value comes from.

    ``path`` is a ``values_list`` path (``owner__username``); a column with
    ``many`` instead reads its values for a chunk of rows at once: ``many(ids)``
    answers ``{row id: [text, ...]}`` in one query (joined with ", " in the cell).
    ``choices`` turns a stored value into its label in the active language.
    """

    key: str
    header: object
    path: str | None = None
    kind: str = TEXT
    width: int = 16
    choices: object = None
    many: Callable[[list], dict] | None = None


def field_header(model, name: str) -> str:
    """The header of a model field's column: ``capfirst(verbose_name)`` in the active language."""
    return capfirst(str(model._meta.get_field(name).verbose_name))


def field_column(model, key: str, path: str | None = None, **kwargs) -> Column:
    """A column keyed and headed by the model field ``key``, read from ``path`` (default: the field itself)."""
    model_field = model._meta.get_field(key)
    if "choices" not in kwargs and model_field.choices:
        kwargs["choices"] = model_field.choices
    return Column(key=key, header=lambda: field_header(model, key), path=path or key, **kwargs)


def id_column() -> Column:
    return Column(key="id", header=gettext_lazy("ID"), path="pk", kind=NUMBER, width=8)


@dataclass(frozen=True)
class ExportSpec:
    """A list's file: its name, title and ordered columns (the first being ``id``)."""

    name: str
    title: object
    columns: tuple[Column, ...]

    def headers(self) -> list[str]:
        return [str(column.header() if callable(column.header) else column.header) for column in self.columns]

    def rows(self, queryset) -> Iterator[list]:
        """The rows of ``queryset`` as lists in column order: one query, read in chunks, no model instances."""
        plain = [column for column in self.columns if column.many is None]
        many = [column for column in self.columns if column.many is not None]
        labels = {
            column.key: {value: str(label) for value, label in column.choices} for column in plain if column.choices
        }
        yes, no = str(_("yes")), str(_("no"))
        values = (
            queryset.prefetch_related(None).values_list("pk", *(column.path for column in plain)).iterator(CHUNK_SIZE)
        )
        for chunk in _chunks(values, CHUNK_SIZE):
            extra = {column.key: column.many([row[0] for row in chunk]) if chunk else {} for column in many}
            for row in chunk:
                stored = dict(zip((column.key for column in plain), row[1:], strict=True))
                cells = []
                for column in self.columns:
                    if column.many is not None:
                        cells.append(", ".join(extra[column.key].get(row[0], ())))
                        continue
                    value = stored[column.key]
                    if value is None:
                        cells.append(None)
                    elif column.key in labels:
                        cells.append(labels[column.key].get(value, value))
                    elif column.kind == BOOLEAN:
                        cells.append(yes if value else no)
                    elif column.kind == DATETIME:
                        cells.append(timezone.localtime(value).replace(tzinfo=None, microsecond=0))
                    else:
                        cells.append(value)
                yield cells

    def file_name(self, fmt: str, at: datetime.datetime) -> str:
        return f"{self.name}-{timezone.localtime(at):%Y-%m-%d}.{fmt}"


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class ListExport:
    """One export of a list: its spec, its rows (a queryset, not yet read) and what the file says about them.

    ``row_source`` replaces the queryset for a file whose rows are computed
    (the audit history): a callable answering the rows in column order.
    """

    spec: ExportSpec
    queryset: object = None
    scope: str = ""
    filters: list[tuple[str, str]] = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    row_source: Callable[[], Iterable[list]] | None = None

    def rows(self) -> Iterable[list]:
        return self.row_source() if self.row_source is not None else self.spec.rows(self.queryset)

    @property
    def title(self) -> str:
        return str(self.spec.title)

    def about_rows(self) -> list[tuple[str, str]]:
        local = timezone.localtime(self.generated_at)
        about = [(str(_("Figures of")), self.scope)] if self.scope else []
        return [
            *about,
            (str(_("Filters")), "; ".join(f"{label}: {value}" for label, value in self.filters) or str(_("none"))),
            (str(_("Generated")), f"{date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"),
        ]

    def file_name(self, fmt: str) -> str:
        return self.spec.file_name(fmt, self.generated_at)


# --- CSV -------------------------------------------------------------------------------------------------


def csv_chunks(export: ListExport, dialect: CsvDialect) -> Iterator[bytes]:
    """The CSV file as byte chunks: the header, then the rows (a generator: nothing is read before it is asked)."""

    def lines():
        yield export.spec.headers()
        yield from export.rows()

    return csv_stream(dialect, lines())


# --- XLSX ------------------------------------------------------------------------------------------------


def write_xlsx(export: ListExport, out) -> None:
    """Write the workbook into the binary file ``out``, row by row (openpyxl's write-only mode).

    The first sheet is the table (header on row 1, frozen, with an
    autofilter); dates are dates, money numbers with the currency's format,
    text is text (never a formula). The second sheet says what the file holds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = export.spec.columns
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_fill, header_font = PatternFill("solid", fgColor="E8EEF7"), Font(bold=True)
    header = []
    for label in export.spec.headers():
        cell = WriteOnlyCell(sheet)
        set_xlsx_text(cell, label)
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    sheet.append(header)

    # The data rows are written as sheet XML by XlsxRowStream (openpyxl's cell-by-cell writing took ~10 s
    # of CPU for 100k lines, issue 16); openpyxl writes everything above and around them.
    formats = {
        DATE: XLSX_DATE_FORMAT,
        DATETIME: XLSX_DATETIME_FORMAT,
        MONEY: money_number_format(),
        NUMBER: "General",
    }
    kinds = {DATE: XLSX_DATE, DATETIME: XLSX_DATETIME, MONEY: XLSX_NUMBER, NUMBER: XLSX_NUMBER}
    rows = XlsxRowStream(
        sheet,
        [XLSX_TEXT if column.choices else kinds.get(column.kind, XLSX_TEXT) for column in columns],
        {i: formats[c.kind] for i, c in enumerate(columns) if c.kind in formats and not c.choices},
        first_row=2,
    )
    count = rows.write(export.rows())
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    about = workbook.create_sheet(str(_("About"))[:31])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 60
    title = WriteOnlyCell(about)
    set_xlsx_text(title, export.title)
    title.font = Font(bold=True, size=14)
    about.append([title])
    for label, value in export.about_rows():
        about.append([xlsx_safe_value(about, label), xlsx_safe_value(about, value)])
    rows.save(workbook, out)


# --- responses -----------------------------------------------------------------------------------------


def response(export: ListExport, fmt: str, dialect: CsvDialect):
    """The download: a streamed CSV, or the XLSX written to a temporary file and streamed from it."""
    if fmt == "csv":
        answer = StreamingHttpResponse(csv_chunks(export, dialect), content_type=CONTENT_TYPES["csv"])
        answer["Content-Disposition"] = f'attachment; filename="{export.file_name("csv")}"'
        return answer
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    write_xlsx(export, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=export.file_name("xlsx"), content_type=CONTENT_TYPES["xlsx"])


def form_filters(form) -> list[tuple[str, str]]:
    """A bound, valid filter form's values as (label, value) pairs: what a page's file says it holds."""
    found = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()) or name in ("format", "dialect", "page"):
            continue
        if isinstance(value, (list, tuple)) or hasattr(value, "model"):
            shown = ", ".join(str(item) for item in value)
            if not shown:
                continue
        else:
            shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
        found.append((str(form.fields[name].label or name), shown))
    return found


def page_download(request, spec: ExportSpec, queryset, *, filters=(), scope: str = ""):
    """A list page's ``?format=csv|xlsx`` (``&dialect=``): the file of ``queryset``, or ``None`` for the page.

    ``queryset`` is what the page lists — scoped, filtered, searched and
    ordered — before it is paged. An unknown dialect raises :class:`UnknownDialect`.
    """
    from mrm.spreadsheets import csv_dialect

    fmt = request.GET.get("format")
    if fmt not in EXPORT_FORMATS:
        return None
    dialect = csv_dialect(request.GET.get("dialect"))
    export = ListExport(spec=spec, queryset=queryset, scope=scope, filters=list(filters))
    return response(export, fmt, dialect)


# --- the audit history (django-simple-history) as a file -------------------------------------------------

#: Fields whose change says nothing to an auditor (timestamps the record itself carries).
HISTORY_SKIPPED_FIELDS = {"id", "created_at", "updated_at", "raw", "fingerprint", "search_text"}
#: The most history records one file holds: a period's file is built in memory (diffs need each
#: record's predecessor, sorted by time), so its size is bounded; narrow the period for more.
HISTORY_MAX_ROWS = 100_000

HISTORY = ExportSpec(
    name="history",
    title=gettext_lazy("History"),
    columns=(
        Column(key="history_date", header=gettext_lazy("When"), kind=DATETIME, width=18),
        Column(key="history_user", header=gettext_lazy("Who"), width=16),
        Column(key="kind", header=gettext_lazy("Kind"), width=16),
        Column(key="object_id", header=gettext_lazy("ID"), kind=NUMBER, width=8),
        Column(key="object", header=gettext_lazy("Object"), width=30),
        Column(key="history_type", header=gettext_lazy("Action"), width=12),
        Column(key="changes", header=gettext_lazy("Changes"), width=60),
        Column(key="history_change_reason", header=gettext_lazy("Reason"), width=30),
    ),
)


@dataclass(frozen=True)
class HistorySource:
    """The history records of one model to put in a file: ``records`` is its scoped historical queryset."""

    model: type
    records: object


def history_rows(sources: list[HistorySource], *, start=None, end=None) -> list[list]:
    """The records of ``sources`` in ``[start, end)`` (both optional), newest first, each with its changes.

    A change is the difference from the object's previous record, computed in
    memory: per model one query for the records (with their users), one for
    the records just before ``start`` of the objects changed in the period,
    and one per related model named by a change (shown by its label) —
    whatever the number of records.
    """
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    wanted: dict = {}
    for source in sources:
        model = source.model
        fields = [f for f in model._meta.concrete_fields if f.name not in HISTORY_SKIPPED_FIELDS]
        records = source.records
        if start is not None:
            records = records.filter(history_date__gte=start)
        if end is not None:
            records = records.filter(history_date__lt=end)
        records = list(
            records.select_related("history_user").order_by("history_date", "history_id")[: HISTORY_MAX_ROWS + 1]
        )
        previous: dict = {}
        if start is not None and records:
            earlier = source.records.model.objects.filter(
                id__in={record.id for record in records}, history_date__lt=start
            ).order_by("history_date", "history_id")
            for record in earlier:
                previous[record.id] = record
        kind = capfirst(str(model._meta.verbose_name))
        for record in records:
            before = previous.get(record.id)
            changes = []
            if record.history_type == "~" and before is not None:
                for model_field in fields:
                    old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
                    if old != new:
                        changes.append((model_field, old, new))
                        if model_field.is_relation:
                            wanted.setdefault(model_field.related_model, set()).update({old, new} - {None})
            previous[record.id] = record
            label = getattr(record, "name", None) or getattr(record, "title", None) or getattr(record, "number", None)
            entries.append(
                (
                    record.history_date,
                    record.history_id,
                    [
                        record.history_date,
                        getattr(record.history_user, "username", None),
                        kind,
                        record.id,
                        str(label or record.id),
                        str(actions.get(record.history_type, record.history_type)),
                        changes,
                        record.history_change_reason or "",
                    ],
                )
            )
    labels = {model: model._base_manager.in_bulk(list(ids)) for model, ids in wanted.items()}
    entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    rows = []
    for _at, _id, row in entries[:HISTORY_MAX_ROWS]:
        row[0] = timezone.localtime(row[0]).replace(tzinfo=None, microsecond=0)
        row[6] = "; ".join(
            f"{model_field.verbose_name}: {_shown(model_field, old, labels)} → {_shown(model_field, new, labels)}"
            for model_field, old, new in row[6]
        )
        rows.append(row)
    return rows


def _shown(model_field, value, labels) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return str(labels.get(model_field.related_model, {}).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def history_response(request, sources: list[HistorySource], *, name: str, filters=(), start=None, end=None):
    """The history file of ``sources`` (``?format=csv|xlsx``, ``&dialect=``; CSV when no format is asked)."""
    from mrm.spreadsheets import csv_dialect

    fmt = request.GET.get("format") or "csv"
    dialect = csv_dialect(request.GET.get("dialect"))
    spec = ExportSpec(name=name, title=HISTORY.title, columns=HISTORY.columns)
    export = ListExport(
        spec=spec, filters=list(filters), row_source=lambda: history_rows(sources, start=start, end=end)
    )
    return response(export, fmt, dialect)
