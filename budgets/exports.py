"""The expense list as a file: CSV or XLSX, streamed, of any length (issue 16: 100k lines).

The file holds exactly the rows of the list it was asked from: the same
scoped queryset (``Expense.objects.visible_to(user)``) with the same filters,
search and ordering. Like a report's export it says what it holds before its
rows — title, whose rows, filters, when it was generated — and follows the
rules of :mod:`mrm.spreadsheets` (the reader's CSV dialect, UTF-8 with a BOM,
numbers bare, ISO dates, typed XLSX cells, no formula from data).

Neither format keeps the rows in memory:

- rows come from the database in chunks (``values_list`` +
  ``iterator(chunk_size=...)``: a server-side cursor on PostgreSQL), one
  query whatever the number of rows, never a query per row;
- the CSV is a generator behind a ``StreamingHttpResponse``: the first bytes
  leave before the last row is read;
- the XLSX frame is written by openpyxl in write-only mode, its data rows as
  sheet XML by :class:`mrm.spreadsheets.XlsxRowStream` into a temporary file
  (100k lines in a few seconds, not ten), and the file is then streamed.

Column widths of the XLSX are fixed per column (a write-only sheet must
declare them before its rows, and measuring 100k rows first would read them
twice).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import sees_all_teams, viewer_scope
from mrm.spreadsheets import (
    XLSX_DATE,
    XLSX_DATE_FORMAT,
    XLSX_NUMBER,
    XLSX_TEXT,
    CsvDialect,
    XlsxRowStream,
    csv_stream,
    currency_symbol,
    money_number_format,
    set_xlsx_text,
    with_unit,
    xlsx_safe_value,
)

#: Formats the expense list exports to (``?format=`` on the API, the page's download links).
EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Rows fetched from the database at a time (a server-side cursor's FETCH on PostgreSQL).
CHUNK_SIZE = 2000
#: The table's header is on this line of the CSV and row of the XLSX: four lines say what the file is.
HEADER_ROW = 6

TEXT, DATE, MONEY = "text", "date", "money"


@dataclass(frozen=True)
class ExpenseColumn:
    path: str
    label: str
    kind: str = TEXT
    width: int = 16


COLUMNS = (
    ExpenseColumn("date", gettext_lazy("Date"), DATE, 12),
    ExpenseColumn("funding_request__number", gettext_lazy("Funding request"), TEXT, 16),
    ExpenseColumn("campaign__code", gettext_lazy("Campaign code"), TEXT, 14),
    ExpenseColumn("campaign__name", gettext_lazy("Campaign"), TEXT, 36),
    ExpenseColumn("campaign__team__name", gettext_lazy("Team"), TEXT, 22),
    ExpenseColumn("funding_request__category__name", gettext_lazy("Category"), TEXT, 24),
    ExpenseColumn("vendor", gettext_lazy("Vendor"), TEXT, 28),
    ExpenseColumn("reference", gettext_lazy("Reference"), TEXT, 16),
    ExpenseColumn("note", gettext_lazy("Note"), TEXT, 30),
    ExpenseColumn("amount", gettext_lazy("Amount"), MONEY, 16),
)


def scope_label(user) -> str:
    """Whose expenses the list holds, in words: the same rule as ``Expense.objects.visible_to``."""
    if sees_all_teams(user):
        return str(_("All teams"))
    scope = viewer_scope(user)
    return _("%(scope)s; and the funding requests you made or were asked to decide") % {"scope": scope.label}


@dataclass
class ExpenseExport:
    """One export of the expense list: its rows (a queryset, not yet read) and what the file says about them."""

    queryset: object
    scope: str
    filters: list[tuple[str, str]] = field(default_factory=list)
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def title(self) -> str:
        return str(_("Expenses"))

    def about_rows(self) -> list[tuple[str, str]]:
        local = timezone.localtime(self.generated_at)
        return [
            (str(_("Figures of")), self.scope),
            (str(_("Filters")), "; ".join(f"{label}: {value}" for label, value in self.filters) or str(_("none"))),
            (str(_("Generated")), f"{date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"),
        ]

    def headers(self, currency_unit: str) -> list[str]:
        return [with_unit(c.label, currency_unit) if c.kind == MONEY else str(c.label) for c in COLUMNS]

    def rows(self) -> Iterator[tuple]:
        """The rows as tuples in :data:`COLUMNS`' order: one query, fetched in chunks, no model instances."""
        return self.queryset.values_list(*(c.path for c in COLUMNS)).iterator(chunk_size=CHUNK_SIZE)

    def file_name(self, fmt: str) -> str:
        return f"expenses-{timezone.localtime(self.generated_at):%Y-%m-%d}.{fmt}"


# --- CSV -------------------------------------------------------------------------------------------------


def csv_lines(export: ExpenseExport) -> Iterator[list]:
    """What the CSV holds, line by line: title, whose, filters, when, an empty line, the header, the rows."""
    yield [export.title]
    for label, value in export.about_rows():
        yield [label, value]
    yield []
    yield export.headers(currency_symbol())
    yield from export.rows()


def csv_chunks(export: ExpenseExport, dialect: CsvDialect) -> Iterator[bytes]:
    """The CSV file as byte chunks (a generator: nothing is read before the response asks for it)."""
    return csv_stream(dialect, csv_lines(export))


# --- XLSX ------------------------------------------------------------------------------------------------


def write_xlsx(export: ExpenseExport, out) -> None:
    """Write the workbook into the binary file ``out``, row by row (openpyxl's write-only mode).

    Typed cells: dates are dates (Excel's short date, shown in the reader's
    regional format), amounts are numbers with the currency format, text is
    text (never a formula). The header row is frozen, carries an autofilter,
    and repeats on every printed page.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.title[:31])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    title = WriteOnlyCell(sheet)
    set_xlsx_text(title, export.title)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for label, value in export.about_rows():
        sheet.append([xlsx_safe_value(sheet, f"{label}: {value}")])
    sheet.append([])
    header_fill, header_font = PatternFill("solid", fgColor="E8EEF7"), Font(bold=True)
    header = []
    for label in export.headers(currency_symbol()):
        cell = WriteOnlyCell(sheet)
        set_xlsx_text(cell, label)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)

    # The data rows are written as sheet XML by XlsxRowStream (openpyxl's cell-by-cell writing took
    # ~10 s of CPU for 100k lines); openpyxl writes everything above and around them.
    kinds = {TEXT: XLSX_TEXT, DATE: XLSX_DATE, MONEY: XLSX_NUMBER}
    number_formats = {DATE: XLSX_DATE_FORMAT, MONEY: money_number_format()}
    rows = XlsxRowStream(
        sheet,
        [kinds[column.kind] for column in COLUMNS],
        {index: number_formats[c.kind] for index, c in enumerate(COLUMNS) if c.kind in number_formats},
        first_row=HEADER_ROW + 1,
    )
    count = rows.write(export.rows())
    last_column = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + count}"
    rows.save(workbook, out)


# --- responses -----------------------------------------------------------------------------------------


def response(export: ExpenseExport, fmt: str, dialect: CsvDialect):
    """The download: a streamed CSV, or the XLSX written to a temporary file and streamed from it."""
    if fmt == "csv":
        answer = StreamingHttpResponse(csv_chunks(export, dialect), content_type=CONTENT_TYPES["csv"])
        answer["Content-Disposition"] = f'attachment; filename="{export.file_name("csv")}"'
        return answer
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    write_xlsx(export, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=export.file_name("xlsx"), content_type=CONTENT_TYPES["xlsx"])
