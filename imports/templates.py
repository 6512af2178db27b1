"""The empty file to fill in for a kind of import: its header row in the user's language, as XLSX or CSV.

Each importer names its columns (``Importer.template_columns``) in the
active language, and reads back the headers it writes, so a template
downloaded in Russian and filled in Russian Excel imports as it is. The CSV
is the dialect that language's Excel opens directly: UTF-8 with a
byte-order mark, with semicolons in Russian and commas in English.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import get_language

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


def template_file(columns: list[str], file_format: str) -> tuple[bytes, str]:
    """The file's bytes and its content type."""
    if file_format == "csv":
        buffer = io.StringIO()
        delimiter = ";" if (get_language() or "").startswith("ru") else ","
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(columns)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), XLSX_TYPE
