"""Exports of a computed report: CSV, XLSX and PDF, from the same :class:`ReportResult` as the page.

Each file says what it holds before its figures: the report's title, whose
figures (the reader's scope), the filters and when it was generated — four
lines on top of the CSV and the XLSX, the header of the PDF.

- CSV: in the reader's dialect (:mod:`mrm.spreadsheets`: ``ru`` = ``;`` and a
  decimal comma, ``en`` = ``,`` and a point; UTF-8 with a BOM), plain numbers
  without grouping, ISO dates. Money columns name the currency in their
  header ("Allocated (₽)"), percentage columns hold percentage points and say
  so ("Actual of allocated (%)": ``2,6`` is 2.6 %), so every figure stays a
  number in Excel and LibreOffice, in both languages.
- XLSX (openpyxl, write-only mode: rows go to disk as they are appended): typed cells — money as numbers with a currency format,
  percentages as fractions (0.026) with a ``0.0%`` format, dates as dates in
  the reader's short-date format — a frozen header row with an autofilter,
  column widths fitted to the content, printing landscape and fitted to the
  page width when the table is wide.
- PDF (WeasyPrint): A4 portrait when the table fits, landscape when it is
  wide; column widths computed from the content (:func:`pdf_layout`) in a
  fixed table layout, with a smaller type for very wide tables, and cells
  that wrap instead of overflowing; the header row repeated on every page,
  page numbers, the chart drawn as SVG on the server (WeasyPrint runs no
  JavaScript) and scaled to fit the page. Fonts: DejaVu Sans through
  fontconfig, which covers Cyrillic and ₽. The HTML may fetch nothing but our
  own static files (:func:`local_static_fetcher`). At most
  ``MRM_REPORT_PDF_MAX_ROWS`` rows (about 20 pages), saying so and pointing to
  the XLSX/CSV: WeasyPrint's time and memory grow with the pages.

Text cells a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``…) are
neutralised in CSV and XLSX by :mod:`mrm.spreadsheets`; numbers stay numbers.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, get_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mrm.spreadsheets import (
    XLSX_DATE_FORMAT,
    CsvDialect,
    CsvDocument,
    csv_dialect,
    currency_symbol,
    money_number_format,
    set_xlsx_text,
    set_xlsx_value,
    with_unit,
)
from reports.charts import chart_svg_parts
from reports.choices import ColumnType, ExportFormat
from reports.registry import Column, ReportResult

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}

Progress = Callable[[int], None]
logger = logging.getLogger(__name__)


def file_name(result: ReportResult, fmt: str) -> str:
    stamp = timezone.localtime(result.generated_at).strftime("%Y-%m-%d")
    return f"{slugify(result.report.slug)}-{stamp}.{fmt}"


def render(
    result: ReportResult, fmt: str, progress: Progress | None = None, dialect: str | CsvDialect | None = None
) -> bytes:
    """The file of ``result`` in ``fmt``; ``dialect`` (CSV only) defaults to the active language's."""
    if fmt == ExportFormat.CSV:
        return render_csv(result, progress=progress, dialect=dialect)
    renderers = {ExportFormat.XLSX: render_xlsx, ExportFormat.PDF: render_pdf}
    return renderers[fmt](result, progress=progress)


# --- what every file says about itself ---------------------------------------------------------------


def filters_text(result: ReportResult) -> str:
    return "; ".join(f"{label}: {value}" for label, value in result.filters) or _("none")


def generated_text(result: ReportResult) -> str:
    """When the figures were computed, in the active time zone, with the zone's name (a file travels)."""
    local = timezone.localtime(result.generated_at)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"


def about_rows(result: ReportResult) -> list[tuple[str, str]]:
    """(label, value) lines printed above the table of a CSV or XLSX: whose figures, filters, when."""
    return [
        (_("Figures of"), result.scope.label),
        (_("Filters"), filters_text(result)),
        (_("Generated"), generated_text(result)),
    ]


def _progress(progress: Progress | None, position: int, total: int) -> None:
    if progress and position % 500 == 0:
        progress(int(position * 90 / max(total, 1)))


# --- CSV -------------------------------------------------------------------------------------------------


def csv_header(column: Column) -> str:
    if column.type == ColumnType.MONEY:
        return with_unit(column.label, currency_symbol())
    if column.type == ColumnType.PERCENT:
        return with_unit(column.label, "%")
    return str(column.label)


def csv_value(column: Column, value):
    """A cell for :class:`~mrm.spreadsheets.CsvDocument`: numbers as numbers, dates as dates, the rest as text.

    Percentages stay in percentage points (``2.6`` for 2.6 %); the header says "(%)".
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value  # a label in a typed column ("Total", "—"): text, neutralised like any other
    if column.type in (ColumnType.MONEY, ColumnType.DECIMAL, ColumnType.PERCENT):
        return Decimal(value)
    if column.type == ColumnType.INT:
        return int(value)
    if column.type == ColumnType.DATE and isinstance(value, datetime.date):
        return value
    return str(value)


def render_csv(
    result: ReportResult, progress: Progress | None = None, dialect: str | CsvDialect | None = None
) -> bytes:
    """Title, whose figures, filters and generation time; an empty line; the header; rows; totals.

    The table always starts on line 6, so a program reading the file skips five lines.
    """
    document = CsvDocument(dialect if isinstance(dialect, CsvDialect) else csv_dialect(dialect))
    document.write_row([str(result.report.title)])
    for label, value in about_rows(result):
        document.write_row([label, value])
    document.write_row([])
    document.write_row([csv_header(c) for c in result.columns])
    for index, row in enumerate(result.rows, start=1):
        document.write_row([csv_value(c, row.get(c.key)) for c in result.columns])
        _progress(progress, index, len(result.rows))
    if result.totals is not None:
        document.write_row([csv_value(c, result.totals.get(c.key)) for c in result.columns])
    return document.content()


# --- XLSX ------------------------------------------------------------------------------------------------


#: Excel's built-in short date (format 14): Excel and LibreOffice show it in the reader's regional format.
DATE_FORMAT = XLSX_DATE_FORMAT
NUMBER_FORMATS = {
    ColumnType.INT: "#,##0",
    ColumnType.DECIMAL: "#,##0.0",
    ColumnType.PERCENT: "0.0%",
    ColumnType.DATE: DATE_FORMAT,
}
#: Row of the column headers: title, scope, filters, generated, an empty row, then the table.
HEADER_ROW = 6
#: Tables wider than this many columns print landscape.
XLSX_LANDSCAPE_COLUMNS = 6


def xlsx_value(column: Column, value):
    """A cell's value in the workbook: money and numbers exact, percentages as fractions, dates as dates."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value  # a label in a typed column ("Total", "—"): text
    if column.type == ColumnType.PERCENT:
        return Decimal(value) / 100
    if column.type in (ColumnType.MONEY, ColumnType.DECIMAL):
        return Decimal(value)
    if column.type == ColumnType.INT:
        return int(value)
    if column.type == ColumnType.DATE and isinstance(value, datetime.date):
        return value
    return str(value)


def _shown_width(column: Column, value) -> int:
    """About how many characters Excel shows for a value (for column widths)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if column.type == ColumnType.MONEY:
        return len(f"{value:,.2f}") + 2
    if column.type == ColumnType.PERCENT:
        return len(f"{value * 100:.1f}") + 1
    if column.type == ColumnType.DATE:
        return 10
    if isinstance(value, (int, Decimal)):
        return len(f"{value:,}")
    return len(str(value))


def render_xlsx(result: ReportResult, progress: Progress | None = None) -> bytes:
    """The workbook, written by openpyxl in write-only mode: each row goes to disk as it is appended.

    A regular workbook keeps an object per cell (a 10k-row ROI export took
    about 300 MB); a write-only sheet keeps none. What it must know before its
    rows — column widths, the frozen header, print settings — is decided
    first: widths from a pass over the values (the result is already in
    memory), the autofilter from the row count.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    columns = result.columns
    formats = [money_number_format() if c.type == ColumnType.MONEY else NUMBER_FORMATS.get(c.type) for c in columns]
    widths = []
    for column in columns:
        longest_word = max((len(word) for word in str(column.label).split()), default=0)
        widths.append(max(10, longest_word + 2, min(len(str(column.label)) + 2, 30)))
    lines = [*result.rows, *([result.totals] if result.totals is not None else [])]
    for values in lines:
        for index, column in enumerate(columns):
            shown = _shown_width(column, xlsx_value(column, values.get(column.key)))
            widths[index] = max(widths[index], min(shown + 2, 60))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\\/*?:\[\]]", " ", str(result.report.title))[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if len(columns) > XLSX_LANDSCAPE_COLUMNS:
        sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def text_cell(value, font=None):
        cell = WriteOnlyCell(sheet)
        set_xlsx_text(cell, value)
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(result.report.title, Font(bold=True, size=14))])
    for label, value in about_rows(result):
        sheet.append([text_cell(f"{label}: {value}")])
    sheet.append([])
    header_fill, bold = PatternFill("solid", fgColor="E8EEF7"), Font(bold=True)
    header = []
    for column in columns:
        cell = text_cell(column.label, bold)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)

    def cells(values, font=None):
        row = []
        for column, cell_format in zip(columns, formats, strict=True):
            cell = WriteOnlyCell(sheet)
            set_xlsx_value(cell, xlsx_value(column, values.get(column.key)), cell_format)
            if font is not None:
                cell.font = font
            row.append(cell)
        return row

    for position, values in enumerate(result.rows, start=1):
        sheet.append(cells(values))
        _progress(progress, position, len(result.rows))
    last_column = get_column_letter(max(len(columns), 1))
    # The filter covers the header and the rows; the totals below stay put when sorting.
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + len(result.rows)}"
    if result.totals is not None:
        sheet.append(cells(result.totals, bold))
    if result.notes:
        notes = workbook.create_sheet(_("Notes")[:31])
        notes.column_dimensions["A"].width = 100
        for note in result.notes:
            notes.append([text_cell(note)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class ExternalResourceRefused(ValueError):
    """The PDF's HTML asked for something that is not one of our static files."""


def local_static_fetcher(url: str, *args, **kwargs):
    """Only ``/static/…`` files found by Django's finders; everything else is refused.

    No network access while rendering: a report's PDF never reaches out to
    another host or reads another file, whatever its data contains.
    """
    import mimetypes

    from weasyprint.urls import URLFetcherResponse

    for start in (settings.STATIC_URL, "file://" + settings.STATIC_URL):
        if url.startswith(start):
            relative = url[len(start) :].split("?")[0].split("#")[0]
            if ".." in relative.split("/"):
                break
            found = finders.find(relative)
            if found:
                body = Path(found).read_bytes()
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
    raise ExternalResourceRefused(f"refused to fetch {url!r} while rendering a report")


def _fetcher():
    """WeasyPrint's URL fetcher object, answering through :func:`local_static_fetcher`."""
    from weasyprint.urls import URLFetcher

    class LocalStaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return local_static_fetcher(url)

    return LocalStaticFetcher()


# --- PDF -------------------------------------------------------------------------------------------------

#: A breakable thin space between digit groups: a number too wide for its column wraps between groups.
THIN_SPACE = "\u2009"
#: Type sizes tried for the table, largest first, until its columns fit the page.
PDF_FONT_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
#: Left plus right padding of a cell, and the page's side margins (``static/css/reports-print.css``).
CELL_PADDING_PT = 6.0
#: Room kept in every column for rounding (em): a word measured to fit exactly must not break.
SLACK_EM = 0.5
PAGE_SIDE_MARGINS_MM = 24
PAGE_WIDTH_MM = {"portrait": 210, "landscape": 297}
#: The page's height inside its top and bottom margins.
PAGE_CONTENT_HEIGHT_MM = {"portrait": 297 - 34, "landscape": 210 - 34}
#: Room the report's header (title, scope, filters, date, description) and the chart's title take on page 1.
FIRST_PAGE_HEADER_MM = 48
POINTS_PER_MM = 72 / 25.4
PIXELS_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class PdfLayout:
    """How a report's table is laid out on paper: orientation, type size and each column's share of the width."""

    orientation: str
    font_size: float
    widths: tuple[float, ...]

    def css(self) -> str:
        """The layout as a stylesheet for WeasyPrint (templates hold no inline style: the CSP scan forbids it)."""
        rules = [f"table.report {{ font-size: {self.font_size:g}pt; }}"]
        rules += [
            f"table.report col:nth-child({index}) {{ width: {width:.3f}%; }}"
            for index, width in enumerate(self.widths, start=1)
        ]
        return "\n".join(rules)


def pdf_cell(column: Column, value) -> str:
    """A cell as printed: grouped numbers in the reader's locale (money without the symbol: the header has it)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if column.type == ColumnType.MONEY:
        return _grouped(Decimal(value), 2)
    if column.type == ColumnType.PERCENT:
        return f"{number_format(Decimal(value), decimal_pos=1, use_l10n=True)}\xa0%"
    if column.type == ColumnType.DECIMAL:
        return _grouped(Decimal(value), 1)
    if column.type == ColumnType.INT:
        return _grouped(int(value), None)
    if column.type == ColumnType.DATE and isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _grouped(value, places: int | None) -> str:
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    separator = get_format("THOUSAND_SEPARATOR")
    return text.replace(separator, THIN_SPACE) if separator.isspace() else text


def pdf_header(column: Column) -> str:
    return with_unit(column.label, currency_symbol()) if column.type == ColumnType.MONEY else str(column.label)


#: Where DejaVu Sans is looked for (Debian's fonts-dejavu-core, other Linuxes, macOS).
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts")


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, int], float] | None:
    """DejaVu Sans's advance widths by code point (from the font file WeasyPrint prints with), or ``None``."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        for path in sorted(Path(folder).rglob(name)) if Path(folder).is_dir() else ():
            try:
                from fontTools.ttLib import TTFont

                font = TTFont(str(path), lazy=True)
                metrics, cmap = font["hmtx"], font.getBestCmap()
                return {code: metrics[glyph][0] for code, glyph in cmap.items()}, float(font["head"].unitsPerEm)
            except Exception:  # an unreadable font file: estimate instead
                logger.warning("cannot read the font %s; PDF column widths are estimated", path, exc_info=True)
    return None


def _em(text: str, bold: bool = False) -> float:
    """The printed width of ``text`` in em of DejaVu Sans: measured from the font, else estimated generously."""
    found = _advances(bold)
    if found is not None:
        widths, units = found
        fallback = units * 0.75
        return sum(widths.get(ord(char), fallback) for char in text) / units
    width = 0.0
    for char in text:
        if char in " \xa0" + THIN_SPACE:
            width += 0.35
        elif char.isdigit():
            width += 0.7
        else:
            width += 0.8
    return width * (1.1 if bold else 1.0)


def _content_width(orientation: str) -> float:
    return (PAGE_WIDTH_MM[orientation] - PAGE_SIDE_MARGINS_MM) * POINTS_PER_MM


def pdf_layout(columns: list[Column], headers: list[str], rows: list[list[str]], totals: list[str] | None) -> PdfLayout:
    """Choose the page orientation, the type size and the column widths so that the table fits the page.

    Widths are measured with DejaVu Sans's own metrics. A column *needs* the
    width of its widest value (text: up to about 30 characters) and of its
    longest header word; at *least* it gets its longest header word, its
    widest number (numbers do not wrap) or, for text, a long word of its
    values (about 14 characters, longer ones break). Portrait when every
    column gets what it needs at 9 pt; else landscape, with the largest type
    (down to 6.5 pt) at which every column gets its least, spare width going
    to the columns that need more. Whatever still does not fit wraps inside
    its cell (CSS ``overflow-wrap: anywhere``; numbers between digit
    groups), never past the page's edge.
    """
    need, least = [], []
    for index, column in enumerate(columns):
        header_words = max((_em(word, bold=True) for word in headers[index].split()), default=1.0)
        values = [_em(row[index]) for row in rows]
        if totals is not None:
            values.append(_em(totals[index], bold=True))
        longest = max(values, default=1.0) + SLACK_EM
        header_words += SLACK_EM
        if column.numeric:
            need.append(max(longest, header_words))
            least.append(need[-1])
        else:
            longest_word = max((_em(word) for row in rows for word in row[index].split()), default=1.0) + SLACK_EM
            need.append(max(min(longest, 22.0), header_words, min(_em(headers[index], bold=True), 10.0)))
            least.append(max(header_words, min(longest_word, 10.0), min(longest, 8.0)))
    padding = CELL_PADDING_PT * len(columns)

    def fits(ems, size, orientation):
        return sum(ems) * size + padding <= _content_width(orientation)

    if fits(need, PDF_FONT_SIZES[0], "portrait"):
        orientation, size = "portrait", PDF_FONT_SIZES[0]
    else:
        orientation = "landscape"
        size = next((s for s in PDF_FONT_SIZES if fits(least, s, orientation)), PDF_FONT_SIZES[-1])
    available = (_content_width(orientation) - padding) / size
    if sum(need) <= available:
        text_columns = [i for i, c in enumerate(columns) if not c.numeric] or list(range(len(columns)))
        spare = available - sum(need)
        weight = sum(need[i] for i in text_columns) or 1.0
        ems = [n + (spare * n / weight if i in text_columns else 0.0) for i, n in enumerate(need)]
    elif sum(least) <= available:
        wanted = [n - m for n, m in zip(need, least, strict=True)]
        share = (available - sum(least)) / (sum(wanted) or 1.0)
        ems = [m + w * share for m, w in zip(least, wanted, strict=True)]
    else:
        ems = [m * available / sum(least) for m in least]
    points = [e * size + CELL_PADDING_PT for e in ems]
    total = sum(points) or 1.0
    return PdfLayout(orientation, size, tuple(100 * p / total for p in points))


def _chart_parts(result: ReportResult, layout: PdfLayout) -> list[str]:
    """The chart as page-sized SVGs: the first fits below the report's header, the others fill a page."""
    if not result.chart or result.chart.is_empty:
        return []
    height = PAGE_CONTENT_HEIGHT_MM[layout.orientation] * PIXELS_PER_MM
    return chart_svg_parts(
        result.chart, first_height=height - FIRST_PAGE_HEADER_MM * PIXELS_PER_MM, height=height - 12 * PIXELS_PER_MM
    )


def pdf_max_rows() -> int:
    """The most rows a PDF holds (``MRM_REPORT_PDF_MAX_ROWS``, about 20 pages)."""
    return max(1, getattr(settings, "MRM_REPORT_PDF_MAX_ROWS", 500))


def pdf_cap_note(shown: int, total: int) -> str:
    """What a PDF cut at :func:`pdf_max_rows` says on its first page and under its table."""
    return _(
        "This PDF shows the first %(shown)s of %(total)s rows; the totals cover all of them. "
        "Download the XLSX or CSV for the full table."
    ) % {
        "shown": _grouped(shown, None),
        "total": _grouped(total, None),
    }


def render_pdf(result: ReportResult, progress: Progress | None = None) -> bytes:
    """The PDF of ``result``: at most :func:`pdf_max_rows` rows, with the totals of all of them.

    WeasyPrint lays out the whole document in memory, and its time and memory
    grow with the pages (issue 16 measured a 109-page PDF at 139 s and a 431 MB
    worker). A longer table is cut, and the PDF says so where the reader
    looks first (below the title) and where the table ends, pointing to the
    XLSX and CSV, which hold every row.
    """
    from weasyprint import CSS, HTML

    limit = pdf_max_rows()
    cap_note = pdf_cap_note(limit, len(result.rows)) if len(result.rows) > limit else ""
    headers = [pdf_header(c) for c in result.columns]
    rows = [[pdf_cell(c, row.get(c.key)) for c in result.columns] for row in result.rows[:limit]]
    totals = [pdf_cell(c, result.totals.get(c.key)) for c in result.columns] if result.totals is not None else None
    layout = pdf_layout(result.columns, headers, rows, totals)
    numeric = [c.numeric for c in result.columns]
    html = render_to_string(
        "reports/pdf.html",
        {
            "result": result,
            "layout": layout,
            "columns": list(zip(headers, numeric, strict=True)),
            "rows": [list(zip(row, numeric, strict=True)) for row in rows],
            "totals": list(zip(totals, numeric, strict=True)) if totals is not None else None,
            "chart_parts": _chart_parts(result, layout),
            "generated": generated_text(result),
            "filters": filters_text(result),
            "cap_note": cap_note,
        },
    )
    if progress:
        progress(50)
    fetcher = _fetcher()
    stylesheets = [
        CSS(filename=finders.find("css/reports-print.css"), url_fetcher=fetcher),
        CSS(string=layout.css(), url_fetcher=fetcher),
    ]
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
