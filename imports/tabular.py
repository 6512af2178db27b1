"""Reading an uploaded CSV or XLSX file into rows that know their line number.

Files come from people and other systems: a byte-order mark, Windows-1251,
semicolons, CRLF, blank lines. Whatever can be said about the whole file
(unreadable, empty, no header) is a ``ValidationError``; whatever concerns a
single row is left to the importer, which reports it with the row's line
number so the user can find it in the file.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.limits import Deadline, check_xlsx_archive, row_limit_error
from mrm.bounds import fits, parse_decimal, validate_date_in_window

XLSX_MAGIC = b"PK\x03\x04"
CANDIDATE_DELIMITERS = ",;\t"


@dataclass
class Row:
    """One data row: its line number in the file, its cells by header, and a problem if its shape is wrong."""

    line: int
    cells: list
    values: dict = field(default_factory=dict)
    shape_error: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[Row]

    def column_index(self, spec: str) -> int | None:
        """Find a column by header text (case-insensitive) or by 1-based number."""
        spec = (spec or "").strip()
        if not spec:
            return None
        lowered = [h.strip().casefold() for h in self.header]
        if spec.casefold() in lowered:
            return lowered.index(spec.casefold())
        if spec.isascii() and spec.isdigit() and 1 <= int(spec) <= len(self.header):
            return int(spec) - 1
        return None


def is_xlsx(file_name: str, content: bytes) -> bool:
    return file_name.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC)


def read_table(
    content: bytes,
    file_name: str,
    *,
    encoding: str = "",
    delimiter: str = "",
    max_rows: int | None = None,
    deadline: Deadline | None = None,
) -> Table:
    """Parse ``content`` as XLSX (first sheet) or CSV; the first non-empty row is the header.

    With ``max_rows`` a file with more data rows is refused as soon as the
    row after the limit is read; with ``deadline`` reading stops once the
    parse-time limit has passed. An XLSX archive is checked against the
    zip-bomb limits before any of it is decompressed.
    """
    if not content:
        raise ValidationError(_("The file is empty."))
    if is_xlsx(file_name, content):
        check_xlsx_archive(content)
        source = _xlsx_lines(content)
    else:
        source = _csv_lines(content, encoding, delimiter)
    lines = []
    for number, cells in source:
        if not any(_text(cell) for cell in cells):
            continue
        lines.append((number, cells))
        if max_rows is not None and len(lines) > max_rows + 1:  # + the header
            raise row_limit_error(max_rows)
        if deadline is not None and not len(lines) % 1000:
            deadline.check()
    if not lines:
        raise ValidationError(_("The file has no header row."))
    (_header_line, header_cells), data = lines[0], lines[1:]
    header = [_text(cell) for cell in _without_nul(header_cells)[0]]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, cells in data:
        cells, had_nul = _without_nul(cells)
        while len(cells) > len(header) and not _text(cells[-1]):
            cells.pop()
        row = Row(line=number, cells=cells)
        if len(cells) != len(header):
            row.shape_error = _("expected %(expected)s columns, found %(found)s") % {
                "expected": len(header),
                "found": len(cells),
            }
        if had_nul:
            row.shape_error = _("the line contains a NUL character (shown as ␀); it is not imported")
        row.values = {header[i].casefold(): cells[i] for i in range(min(len(cells), len(header)))}
        rows.append(row)
    return Table(header=header, rows=rows)


def _without_nul(cells) -> tuple[list, bool]:
    """The cells with every NUL character shown as ␀, and whether there was one.

    A NUL is no text any accounting system means, and PostgreSQL refuses it in
    a text column: the line is reported as an error in the preview (its value
    made visible) and never reaches the database.
    """
    cleaned, found = [], False
    for cell in cells:
        if isinstance(cell, str) and "\x00" in cell:
            cell, found = cell.replace("\x00", "\u2400"), True
        cleaned.append(cell)
    return cleaned, found


def _csv_lines(content: bytes, encoding: str, delimiter: str):
    text = _decode(content, encoding)
    if not delimiter:
        first_line = text.split("\n", 1)[0]
        delimiter = max(CANDIDATE_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s cannot be read: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc


def _decode(content: bytes, encoding: str) -> str:
    if encoding:
        try:
            return content.decode(encoding)  # a NUL stays, for the row to be reported (_without_nul)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValidationError(
                _("The file cannot be read as %(encoding)s. Check the source's encoding.") % {"encoding": encoding}
            ) from exc
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1251")
    except UnicodeDecodeError as exc:
        # Neither guess reads it: say which encodings were tried and where it failed.
        raise ValidationError(
            _("The file cannot be read as %(encodings)s (byte %(position)s). Save it as UTF-8 and upload it again.")
            % {"encodings": "UTF-8, Windows-1251 (cp1251)", "position": exc.start + 1},
            code="encoding",
        ) from exc


def _xlsx_lines(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except ValidationError:
        raise
    except Exception as exc:  # a damaged sheet inside a readable archive
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from exc
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def cell_text(row: Row, column: str) -> str:
    """The text of a named cell of a row (empty when the column is absent)."""
    return _text(row.values.get(column.casefold()))


def parse_amount(value, *, decimal_comma: bool | None = None) -> Decimal:
    """A money amount as accounting writes it: ``1 200 000,00``, ``-12 000,00``, ``(500.00)``, ``1,500.00``.

    Raises ``ValueError`` when it is not a number with at most two decimals.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    else:
        text = _text(value)
        for space in (" ", "\xa0", "\u202f", "\u2009", "'"):
            text = text.replace(space, "")
        text = text.replace("\u2212", "-")
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        if decimal_comma is None:  # guess: the last separator is the decimal one
            decimal_comma = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
        if not text:
            raise ValueError(value)
        amount = parse_decimal(text)  # ASCII digits only, no exponent (mrm/bounds.py)
        if amount is None:
            raise ValueError(value)
        if negative:
            amount = -amount
    # A money column's bounds: at most 12 integer digits (DecimalField(14, 2)) and two decimals.
    if not fits(amount):
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))


class DateOutsideWindow(ValueError):
    """A real date outside the accepted window (mrm/bounds.py); its text says which window."""


def parse_date(value, date_format: str) -> datetime.date:
    """A date as the source writes it (or as XLSX stores it), within the accepted window."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        day = _parse_date_text(_text(value), date_format)
    try:
        validate_date_in_window(day)
    except ValidationError as exc:
        raise DateOutsideWindow(exc.messages[0]) from None
    return day


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str, date_format: str) -> datetime.date:
    """Exports repeat the same few hundred dates: each is parsed once (``strptime`` is slow)."""
    if not text.isascii():
        raise ValueError(text)
    for fmt in (date_format, "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
