"""Spreadsheets people open without fixing them, and that never run what they hold (PRODUCT.md §6).

Every CSV and XLSX that MRM writes goes through this module, so that the
rules live in one place and every writer (report exports today, any export
of import rows or lists tomorrow) gets the same ones:

**The CSV dialect follows the reader's language.** Excel opens a ``.csv``
with the separators of the computer's regional settings: with Russian
settings it expects ``;`` between fields and a decimal comma, and a file
written with ``,`` opens as one column. So a CSV has a dialect: ``ru``
(``;``, ``1500,50``) or ``en`` (``,``, ``1500.50``), chosen from the active
language unless the reader asks for the other one (``?dialect=ru|en``).
Both are UTF-8 with a BOM (Excel then reads Cyrillic right), CRLF line
ends, numbers without thousands separators (a spreadsheet parses them as
numbers), dates as ISO ``2027-02-03`` (Excel and LibreOffice read ISO dates
in every locale).

**Text a spreadsheet would evaluate is neutralised** (OWASP "CSV
Injection"). A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel, LibreOffice or Google Sheets:
``=HYPERLINK(...)`` in a vendor's name becomes a link, ``@SUM(...)`` or a
DDE call runs. Only *text* cells are touched — numbers are written by the
exporter as numbers, so ``-1500,00`` stays a negative number:

- in CSV, such a text cell gets a leading single quote (``'=HYPERLINK(...)``)
  and every text cell is quoted (``"..."``, inner quotes doubled), so that
  no separator or line break inside it starts a new cell;
- in XLSX, every text cell is stored as a string (never a formula: openpyxl
  would otherwise store ``=...`` as one) and one that looks like a formula
  also gets Excel's *quote prefix* — what Excel itself records when someone
  types ``'=1+1``: it shows the text exactly as it is and keeps it text when
  the cell is edited. Characters XML cannot carry (control characters) are
  dropped instead of failing the whole file.

The full-width forms ``＝ ＋ － ＠`` are treated like their ASCII twins:
some spreadsheet locales normalise them while parsing; a leading line feed
too (XML turns a carriage return into one when the XLSX is read back).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: First characters that make a spreadsheet evaluate a cell (OWASP), with their full-width forms, and a line
#: feed: XML reads a carriage return back as one, so a cell that started with ``\r`` must stay neutralised.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")

#: Characters that XML 1.0 (hence XLSX) cannot hold: C0 controls except tab, line feed and carriage return.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The most characters one XLSX cell holds.
XLSX_CELL_MAX = 32767

BOM = "\ufeff"


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet evaluate this text as a formula (or a DDE call)?"""
    return bool(text) and text[0] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """The text as a CSV cell no spreadsheet evaluates: a leading ``'`` when it looks like a formula."""
    return f"'{text}" if is_formula_like(text) else text


class UnknownDialect(ValueError):
    """``?dialect=`` named no dialect MRM writes; the message says which ones exist."""


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV separates fields and writes decimals, for the spreadsheets of one language."""

    code: str
    delimiter: str
    decimal_separator: str

    def number(self, value) -> str:
        """A number as the spreadsheet of this dialect parses it: no grouping, the dialect's decimal separator."""
        if isinstance(value, float):
            value = Decimal(repr(value))
        text = f"{value:f}" if isinstance(value, Decimal) else str(int(value))
        return text.replace(".", self.decimal_separator)

    def cell(self, value) -> str:
        """One field: numbers and dates bare, everything else text (neutralised and quoted), ``None`` empty."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return self.text(str(value))
        if isinstance(value, (int, float, Decimal)):
            return self.number(value)
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return self.text(str(value))

    @staticmethod
    def text(value: str) -> str:
        return '"' + neutralise(value).replace('"', '""') + '"'

    def row(self, cells: Iterable) -> str:
        return self.delimiter.join(self.cell(value) for value in cells)


CSV_DIALECTS = {
    "ru": CsvDialect(code="ru", delimiter=";", decimal_separator=","),
    "en": CsvDialect(code="en", delimiter=",", decimal_separator="."),
}
CSV_DIALECT_CHOICES = [
    ("ru", gettext_lazy("Russian Excel: “;” and 1,5")),
    ("en", gettext_lazy("English Excel: “,” and 1.5")),
]


def dialect_for_language(language: str | None) -> CsvDialect:
    """The dialect a reader of ``language`` opens without fixing: Russian ``ru``, everything else ``en``."""
    return CSV_DIALECTS["ru"] if (language or "").lower().startswith("ru") else CSV_DIALECTS["en"]


def csv_dialect(code: str | None = None) -> CsvDialect:
    """The dialect asked for (``"ru"``/``"en"``, any case), or the active language's when none is asked for.

    Raises :class:`UnknownDialect` with a translated message for anything else.
    """
    if code is None or not str(code).strip():
        return dialect_for_language(translation.get_language())
    found = CSV_DIALECTS.get(str(code).strip().lower())
    if found is None:
        raise UnknownDialect(
            _("“%(value)s” is not a CSV dialect: choose ru (“;” and a decimal comma) or en (“,” and a decimal point).")
            % {"value": str(code)[:20]}
        )
    return found


def csv_stream(dialect: CsvDialect, rows: Iterable[Iterable], *, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV of ``rows`` as UTF-8 byte chunks (the BOM first): for a streamed download of any length.

    Lines are joined in chunks of ``lines_per_chunk``, so a large file costs
    neither one write per line nor the whole file in memory.
    """
    yield BOM.encode("utf-8")
    lines: list[str] = []
    for cells in rows:
        lines.append(dialect.row(cells))
        if len(lines) >= lines_per_chunk:
            yield ("\r\n".join(lines) + "\r\n").encode("utf-8")
            lines = []
    if lines:
        yield ("\r\n".join(lines) + "\r\n").encode("utf-8")


class CsvDocument:
    """A CSV being written row by row in one dialect; :meth:`content` is the file (UTF-8 with BOM)."""

    def __init__(self, dialect: CsvDialect):
        self.dialect = dialect
        self._lines: list[str] = []

    def write_row(self, cells: Iterable) -> None:
        self._lines.append(self.dialect.row(cells))

    def content(self) -> bytes:
        return (BOM + "".join(line + "\r\n" for line in self._lines)).encode("utf-8")


def xlsx_text(value) -> str:
    """``value`` as text an XLSX cell can hold: no XML-illegal characters, at most 32 767 of them."""
    return XML_ILLEGAL.sub("", str(value))[:XLSX_CELL_MAX]


def set_xlsx_text(cell, value) -> None:
    """Write ``value`` into an openpyxl cell as text that is never evaluated (see the module docstring)."""
    text = xlsx_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    if is_formula_like(text):
        cell.quotePrefix = True


def set_xlsx_value(cell, value, number_format: str | None = None) -> None:
    """Write a typed value: numbers and dates as themselves (with ``number_format``), anything else as safe text."""
    if value is None or value == "":
        cell.value = None
        return
    if isinstance(value, (int, float, Decimal, datetime.date)) and not isinstance(value, bool):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return
    set_xlsx_text(cell, value)


# --- what every export's header says ---------------------------------------------------------------------

#: Excel's built-in short date (format 14): Excel and LibreOffice show it in the reader's regional format.
XLSX_DATE_FORMAT = "mm-dd-yy"


def currency_symbol() -> str:
    """The symbol of ``MRM_CURRENCY`` (``₽`` for RUB), or its code when it has none."""
    from mrm.templatetags.money import SYMBOLS

    code = (settings.MRM_CURRENCY or "").upper()
    return SYMBOLS.get(code, code)


def with_unit(label, unit: str) -> str:
    """A column's label with its unit: "Allocated (₽)", "Actual of allocated (%)"."""
    return _("%(label)s (%(unit)s)") % {"label": label, "unit": unit} if unit else str(label)


def money_number_format() -> str:
    """The XLSX number format of money: grouped, two decimals, the currency's symbol."""
    symbol = currency_symbol()
    return f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"' if symbol else "#,##0.00"


def xlsx_safe_value(sheet, value):
    """A value for a write-only sheet's row: numbers and dates as they are, text made safe.

    Plain text goes in as a string; text a spreadsheet would evaluate comes
    back as a cell (:func:`set_xlsx_text`: stored as a string, quote prefix),
    since a bare ``"=..."`` would become a formula.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, Decimal, datetime.date)) and not isinstance(value, bool):
        return value
    text = xlsx_text(value)
    if is_formula_like(text):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet)
        set_xlsx_text(cell, text)
        return cell
    return text


# --- long XLSX sheets: data rows written as sheet XML directly ----------------------------------------------

XLSX_TEXT, XLSX_DATE, XLSX_DATETIME, XLSX_NUMBER = "text", "date", "datetime", "number"


class XlsxRowStream:
    """Typed data rows of an openpyxl write-only sheet, written as sheet XML by MRM rather than cell by cell.

    openpyxl builds an element and serialises it for every cell (``et_xmlfile``):
    ~10 s of CPU for the 100k-line expense export (1 M cells) on this machine,
    against issue 16's 10 s for the whole download. Here openpyxl still writes
    the workbook's frame — the sheet's head rows, column widths, panes, page
    setup, autofilter, the styles — and the data rows are written once as XML
    text into a temporary file, then put in the sheet's place when the file is
    zipped. The cells are the ones openpyxl writes: inline strings (text is
    never a formula; a text that looks like one gets the quote prefix, as
    :func:`set_xlsx_text`), dates as Excel serial numbers with their date format,
    numbers as ``%.16g`` with their number format; an empty value is no cell.

    ``kinds`` gives each column's kind (``XLSX_TEXT``, ``XLSX_DATE``,
    ``XLSX_NUMBER``) and ``number_formats`` the format of a date or number
    column (by index). ``first_row`` is the sheet row of the first data row:
    everything above it must have been appended already.
    """

    #: The placeholder row openpyxl writes where the data rows go (replaced when zipping).
    MARKER = "mrm:xlsx-rows-go-here"
    ROWS_PER_WRITE = 1000

    def __init__(self, sheet, kinds: list[str], number_formats: dict[int, str], *, first_row: int):
        import tempfile

        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        self.sheet, self.kinds, self.first_row = sheet, list(kinds), first_row
        self.count = 0
        self._letters = [get_column_letter(index) for index in range(1, len(kinds) + 1)]
        # Registering a styled cell's style with the workbook gives its id in styles.xml.
        self._styles = {}
        for index, number_format in number_formats.items():
            cell = WriteOnlyCell(sheet)
            cell.number_format = number_format
            self._styles[index] = cell.style_id
        quoted = WriteOnlyCell(sheet)
        set_xlsx_text(quoted, "=")
        self._quoted_style = quoted.style_id
        self._rows = tempfile.TemporaryFile()  # noqa: SIM115 - closed by save()
        self._epoch = sheet.parent.epoch
        self._serials: dict[datetime.date, int] = {}

    def write(self, rows: Iterable[Iterable]) -> int:
        """Write the data rows (tuples in column order); returns how many rows there are so far."""
        lines: list[str] = []
        for values in rows:
            lines.append(self._row(self.first_row + self.count, values))
            self.count += 1
            if len(lines) >= self.ROWS_PER_WRITE:
                self._rows.write("".join(lines).encode("utf-8"))
                lines = []
        if lines:
            self._rows.write("".join(lines).encode("utf-8"))
        return self.count

    def _row(self, number: int, values: Iterable) -> str:
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{self._letters[index]}{number}"
            kind = self.kinds[index]
            if kind == XLSX_DATE and isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                cells.append(f'<c r="{ref}" s="{self._styles[index]}" t="n"><v>{self._serial(value)}</v></c>')
            elif kind == XLSX_DATETIME and isinstance(value, datetime.datetime) and value.tzinfo is None:
                cells.append(
                    f'<c r="{ref}" s="{self._styles[index]}" t="n"><v>{self._datetime_serial(value):.16g}</v></c>'
                )
            elif kind == XLSX_NUMBER and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}" s="{self._styles[index]}" t="n"><v>{float(value):.16g}</v></c>')
            else:
                cells.append(self._text(ref, xlsx_text(value)))
        return f'<row r="{number}">{"".join(cells)}</row>'

    def _text(self, ref: str, text: str) -> str:
        style = f' s="{self._quoted_style}"' if is_formula_like(text) else ""
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'

    def _serial(self, value: datetime.date) -> int:
        serial = self._serials.get(value)
        if serial is None:
            from openpyxl.utils.datetime import to_excel

            serial = self._serials[value] = int(to_excel(value, self._epoch))
        return serial

    def _datetime_serial(self, value: datetime.datetime) -> float:
        from openpyxl.utils.datetime import to_excel

        return to_excel(value, self._epoch)

    def save(self, workbook, out) -> None:
        """Save ``workbook`` into the binary file ``out`` with the data rows in the sheet."""
        import tempfile
        import zipfile

        self.sheet.append([self.MARKER])
        with tempfile.TemporaryFile() as frame, self._rows:
            workbook.save(frame)
            frame.seek(0)
            name = self.sheet.path.lstrip("/")
            with zipfile.ZipFile(frame) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    if info.filename != name:
                        target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
                        continue
                    head, tail = self._around_marker(source.read(info).decode("utf-8"))
                    with target.open(name, "w") as sheet_xml:
                        sheet_xml.write(head.encode("utf-8"))
                        self._rows.seek(0)
                        while chunk := self._rows.read(1 << 20):
                            sheet_xml.write(chunk)
                        sheet_xml.write(tail.encode("utf-8"))

    def _around_marker(self, xml: str) -> tuple[str, str]:
        start = xml.find(f'<row r="{self.first_row}">')
        end = xml.find("</row>", start) + len("</row>")
        if start < 0 or self.MARKER not in xml[start:end]:
            raise RuntimeError("The sheet's placeholder row is missing: rows were appended after the data rows.")
        return xml[:start], xml[end:]
