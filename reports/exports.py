"""Exports of a computed report: CSV, XLSX and PDF, from the same :class:`ReportResult` as the page.

- CSV: UTF-8 with a BOM (Excel opens it right), plain numbers (``1500.00``), ISO dates.
- XLSX (openpyxl): typed cells — numbers, dates — with number formats for
  money and percentages, the title, filters and date above a frozen header
  row, and column widths fitted to the content.
- PDF (WeasyPrint): print CSS, title, filters, date, page numbers and the
  chart drawn as SVG on the server (WeasyPrint runs no JavaScript). Fonts:
  DejaVu Sans through fontconfig, which covers Cyrillic and ₽. The HTML may
  fetch nothing but our own static files (:func:`local_static_fetcher`).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mrm.templatetags.money import SYMBOLS
from reports.charts import chart_svg
from reports.choices import ColumnType, ExportFormat
from reports.registry import ReportResult

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}

Progress = Callable[[int], None]


def file_name(result: ReportResult, fmt: str) -> str:
    stamp = timezone.localtime(result.generated_at).strftime("%Y-%m-%d")
    return f"{slugify(result.report.slug)}-{stamp}.{fmt}"


def render(result: ReportResult, fmt: str, progress: Progress | None = None) -> bytes:
    renderers = {ExportFormat.CSV: render_csv, ExportFormat.XLSX: render_xlsx, ExportFormat.PDF: render_pdf}
    return renderers[fmt](result, progress=progress)


def _plain(column, value):
    """A cell's value for CSV: exact numbers, ISO dates, text as is."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def render_csv(result: ReportResult, progress: Progress | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in result.columns])
    for index, row in enumerate(result.rows, start=1):
        writer.writerow([_plain(c, row.get(c.key)) for c in result.columns])
        if progress and index % 500 == 0:
            progress(int(index * 90 / max(len(result.rows), 1)))
    if result.totals is not None:
        writer.writerow([_plain(c, result.totals.get(c.key)) for c in result.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def money_number_format() -> str:
    symbol = SYMBOLS.get((settings.MRM_CURRENCY or "").upper(), settings.MRM_CURRENCY or "")
    return f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"' if symbol else "#,##0.00"


NUMBER_FORMATS = {
    ColumnType.INT: "#,##0",
    ColumnType.DECIMAL: "#,##0.0",
    ColumnType.PERCENT: "0.0%",
    ColumnType.DATE: "yyyy-mm-dd",
}
HEADER_ROW = 5


def _xlsx_value(column, value):
    if value is None or value == "":
        return None
    if column.type == ColumnType.PERCENT:
        return float(Decimal(value) / 100)
    if column.type in (ColumnType.MONEY, ColumnType.DECIMAL):
        return float(value) if isinstance(value, Decimal) else value
    return value if not isinstance(value, Decimal) else float(value)


def render_xlsx(result: ReportResult, progress: Progress | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(result.report.title)[:31]
    sheet.cell(row=1, column=1, value=str(result.report.title)).font = Font(bold=True, size=14)
    filters = "; ".join(f"{label}: {value}" for label, value in result.filters) or _("none")
    sheet.cell(row=2, column=1, value=_("Filters: %(filters)s") % {"filters": filters})
    sheet.cell(row=3, column=1, value=_("Generated: %(when)s") % {"when": _generated(result)})
    formats = {
        c.key: (money_number_format() if c.type == ColumnType.MONEY else NUMBER_FORMATS.get(c.type))
        for c in result.columns
    }
    header_fill = PatternFill("solid", fgColor="E8EEF7")
    widths = {}
    for index, column in enumerate(result.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=str(column.label))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths[index] = max(10, min(len(str(column.label)) + 2, 30))

    def write_row(row_number, values, bold=False):
        for index, column in enumerate(result.columns, start=1):
            value = _xlsx_value(column, values.get(column.key))
            cell = sheet.cell(row=row_number, column=index, value=value)
            if formats[column.key] and value is not None:
                cell.number_format = formats[column.key]
            if bold:
                cell.font = Font(bold=True)
            shown = len(str(value)) + (4 if column.type == ColumnType.MONEY else 1) if value is not None else 0
            widths[index] = max(widths[index], min(shown + 2, 60))

    row_number = HEADER_ROW
    total_rows = max(len(result.rows), 1)
    for position, row in enumerate(result.rows, start=1):
        row_number += 1
        write_row(row_number, row)
        if progress and position % 500 == 0:
            progress(int(position * 90 / total_rows))
    if result.totals is not None:
        write_row(row_number + 1, result.totals, bold=True)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    if result.notes:
        notes = workbook.create_sheet(_("Notes")[:31])
        for index, note in enumerate(result.notes, start=1):
            notes.cell(row=index, column=1, value=note)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _generated(result: ReportResult) -> str:
    return date_format(timezone.localtime(result.generated_at), "DATETIME_FORMAT")


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


def render_pdf(result: ReportResult, progress: Progress | None = None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "reports/pdf.html",
        {
            "result": result,
            "chart_svg": chart_svg(result.chart) if result.chart and not result.chart.is_empty else "",
            "generated": _generated(result),
        },
    )
    if progress:
        progress(50)
    fetcher = _fetcher()
    stylesheet = CSS(filename=finders.find("css/reports-print.css"), url_fetcher=fetcher)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
