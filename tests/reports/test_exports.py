"""Exports opened as a reader would: CSV parsed in both dialects, XLSX with openpyxl, PDF text with pypdf."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from reports import exports
from reports.exports import ExternalResourceRefused, local_static_fetcher
from reports.registry import get_report

pytestmark = pytest.mark.django_db


def test_xlsx_has_typed_cells_number_formats_a_frozen_filtered_header_and_widths(money_world, finance_user, q1):
    # given budget vs actual by team for Q1
    result = get_report("budget-vs-actual").run(finance_user, {"group_by": "team", "period": str(q1.pk)})
    # when exported to XLSX and opened again
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    # then the title, whose figures, the filters and the date sit above the header
    assert sheet["A1"].value == "Budget vs actual"
    assert sheet["A2"].value == "Figures of: All teams"
    assert sheet["A3"].value == "Filters: Group by: Team; Fiscal period: Q1 2027"
    assert sheet["A4"].value.startswith("Generated: ")
    assert [c.value for c in sheet[6]] == [
        "Team",
        "Allocated",
        "Requested",
        "Approved",
        "Committed",
        "Actual",
        "Remaining",
        "Variance",
        "Actual of allocated",
    ]
    # and the header row is frozen and carries an autofilter over the rows (the totals stay out of it)
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:I8"
    # and money is a number with a money format, the utilisation a fraction with a % format
    brand = sheet[7]
    assert brand[0].value == "Brand" and brand[0].data_type == "s"
    assert brand[1].value == 150000 and brand[1].data_type == "n"
    assert "#,##0.00" in brand[1].number_format and "₽" in brand[1].number_format
    assert brand[8].value == pytest.approx(0.2) and brand[8].data_type == "n" and brand[8].number_format == "0.0%"
    # and the totals close the table, in bold
    totals = sheet[9]
    assert totals[0].value == "Total" and totals[1].value == 230000 and totals[1].font.b
    # and columns are wide enough for their content; the wide table prints landscape, fitted to the width
    assert sheet.column_dimensions["A"].width >= 10
    assert sheet.column_dimensions["B"].width >= len("150,000.00 ₽")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$6:$6"


def test_xlsx_states_a_marketers_scope_in_their_language(money_world, marketer):
    # given a marketer of Brand reading in Russian
    with translation.override("ru"):
        result = get_report("budget-vs-actual").run(marketer, {"group_by": "team"})
        sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    # then the workbook says the figures are Brand's only
    assert sheet["A2"].value == "Цифры по: Команда: Brand"
    assert [row[0].value for row in sheet.iter_rows(min_row=7)] == ["Brand", "Итого"]


def test_xlsx_writes_dates_as_dates(finance_user):
    from budgets.choices import ActualLineStatus
    from budgets.models import ActualLine, ImportBatch
    from tests.budgets.factories import ImportSourceFactory

    batch = ImportBatch.objects.create(
        kind="actuals", file_name="a.csv", content=b"", sha256="0" * 64, uploaded_by=finance_user
    )
    ActualLine.objects.create(
        source=ImportSourceFactory(),
        batch=batch,
        line_number=2,
        date=datetime.date(2027, 2, 3),
        document_number="INV-1",
        vendor="Ad agency",
        amount=Decimal("-1234.50"),
        status=ActualLineStatus.UNMAPPED,
        fingerprint="x",
    )
    result = get_report("spend-without-request").run(finance_user, {})
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    # a date cell in Excel's built-in short date (shown in the reader's regional format)
    assert sheet["A7"].is_date and sheet["A7"].value.date() == datetime.date(2027, 2, 3)
    assert sheet["A7"].number_format == "mm-dd-yy"
    # a refund stays a negative number
    assert sheet["F7"].value == -1234.5 and sheet["F7"].data_type == "n"


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads Cyrillic right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_a_csv_for_a_russian_reader_opens_in_russian_excel(money_world, finance_user):
    # given finance reads in Russian
    with translation.override("ru"):
        result = get_report("budget-vs-actual").run(finance_user, {"group_by": "team"})
        # when the CSV is written in the reader's dialect
        content = exports.render_csv(result)
    # then fields are separated by semicolons, text is quoted, numbers are bare with a decimal comma
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[6] == '"Brand";150000,00;75000,00;50000,00;40000,00;30000,00;100000,00;120000,00;20,0'
    rows = read_csv(content, ";")
    # and five lines say what it is and whose figures; the table starts on line 6
    assert rows[0] == ["Бюджет и факт"]
    assert rows[1] == ["Цифры по", "Все команды"]
    assert rows[2] == ["Фильтры", "Группировать по: Команда"]
    assert rows[3][0] == "Сформировано"
    assert rows[4] == []
    # and money columns name the currency, the percentage column says its values are percent
    assert rows[5][:2] == ["Команда", "Распределено, ₽"]
    assert rows[5][-1] == "Факт от распределённого, %"
    # and numbers have a decimal comma and no grouping, so Excel reads them as numbers
    assert rows[6] == [
        "Brand",
        "150000,00",
        "75000,00",
        "50000,00",
        "40000,00",
        "30000,00",
        "100000,00",
        "120000,00",
        "20,0",
    ]
    assert rows[-1][:2] == ["Итого", "230000,00"]


def test_a_csv_for_an_english_reader_has_commas_and_points(money_world, finance_user):
    with translation.override("en"):
        result = get_report("budget-vs-actual").run(finance_user, {"group_by": "team"})
        content = exports.render_csv(result)
    rows = read_csv(content, ",")
    assert rows[1] == ["Figures of", "All teams"]
    assert rows[5][:2] == ["Team", "Allocated (₽)"] and rows[5][-1] == "Actual of allocated (%)"
    assert rows[6][:2] == ["Brand", "150000.00"] and rows[6][-1] == "20.0"


def test_the_dialect_asked_for_wins_over_the_language(money_world, marketer):
    # given a marketer reading in English whose Excel runs with Russian settings
    with translation.override("en"):
        result = get_report("budget-vs-actual").run(marketer, {"group_by": "team"})
        content = exports.render(result, "csv", dialect="ru")
    rows = read_csv(content, ";")
    # then English words, Russian separators, and the marketer's scope
    assert rows[1] == ["Figures of", "Team: Brand"]
    assert rows[6][:2] == ["Brand", "150000,00"]


def test_pdf_in_russian_has_cyrillic_text_title_filters_and_page_numbers(money_world, finance_user):
    # given finance reads in Russian
    with translation.override("ru"):
        result = get_report("budget-vs-actual").run(finance_user, {"group_by": "category"})
        # when the PDF is rendered
        content = exports.render_pdf(result)
    # then its text (extracted with pypdf) is Russian, with the category's Russian name and the page number
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Бюджет и факт" in text
    assert "Контекстная" in text  # the category in Russian (its name may wrap in the column)
    assert "Группировать по" in text
    assert "1 / 1" in text


def test_pdf_includes_the_chart_as_svg(money_world, finance_user):
    result = get_report("campaign-status").run(finance_user, {})
    from reports.charts import chart_svg

    svg = chart_svg(result.chart)
    assert svg.startswith("<svg") and "Active" in svg
    assert exports.render_pdf(result).startswith(b"%PDF")


def test_the_pdf_fetcher_refuses_anything_but_our_static_files():
    with pytest.raises(ExternalResourceRefused):
        local_static_fetcher("https://example.com/tracker.png")
    with pytest.raises(ExternalResourceRefused):
        local_static_fetcher("file:///etc/passwd")
    with pytest.raises(ExternalResourceRefused):
        local_static_fetcher("/static/../../etc/passwd")
    fetched = local_static_fetcher("/static/css/reports-print.css")
    assert fetched is not None


def test_an_external_image_in_report_data_is_not_fetched(money_world, finance_user, monkeypatch):
    # given a campaign whose name carries an image tag (escaped by the template anyway)
    money_world["spring"].name = '<img src="https://example.com/x.png">'
    money_world["spring"].save()
    calls = []
    real = exports.local_static_fetcher

    def spy(url, *args, **kwargs):
        calls.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(exports, "local_static_fetcher", spy)
    result = get_report("roi").run(finance_user, {})
    assert exports.render_pdf(result).startswith(b"%PDF")
    assert calls == []


def test_a_label_in_a_number_column_is_written_as_text_in_every_format(money_world, finance_user):
    # given a result whose totals row carries a word where a figure would be
    result = get_report("budget-vs-actual").run(finance_user, {"group_by": "team"})
    result.totals["allocated"] = "—"
    # when exported
    csv_rows = read_csv(exports.render_csv(result, dialect="en"), ",")
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.render_pdf(result))).pages)
    # then the word is a text cell, the other figures stay numbers
    assert csv_rows[-1][:3] == ["Total", "—", "145000.00"]
    assert sheet["B9"].value == "—" and sheet["B9"].data_type == "s"
    assert sheet["C9"].value == 145000 and sheet["C9"].data_type == "n"
    assert "Total" in pdf


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_pdf_longer_than_the_cap_says_so_and_points_to_the_xlsx(money_world, finance_user, settings):
    # given: PDFs hold at most 2 rows, and the ROI report has more
    settings.MRM_REPORT_PDF_MAX_ROWS = 2
    result = get_report("roi").run(finance_user, {})
    total = len(result.rows)
    assert total > 2
    # when: it is rendered as a PDF
    text = pdf_text(exports.render_pdf(result))
    # then: the first two rows are there, the rest not, and the PDF says what it left out and where it is
    codes = [row["campaign"] for row in result.rows]
    assert codes[0] in text and codes[1] in text
    assert not any(code in text for code in codes[2:])
    note = f"This PDF shows the first 2 of {total} rows"
    assert text.replace("\n", " ").count(note) == 2  # below the title and under the table
    assert "Download the XLSX or CSV for the full table." in text.replace("\n", " ")
    # and the XLSX still holds every row
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    assert sheet.max_row == exports.HEADER_ROW + total + (1 if result.totals is not None else 0)


def test_the_pdf_cap_note_is_translated(money_world, finance_user, settings):
    settings.MRM_REPORT_PDF_MAX_ROWS = 1
    with translation.override("ru"):
        result = get_report("roi").run(finance_user, {})
        text = pdf_text(exports.render_pdf(result)).replace("\n", " ")
    assert f"В этом PDF первые 1 из {len(result.rows)} строк" in text


def test_a_pdf_within_the_cap_has_no_note(money_world, finance_user):
    result = get_report("roi").run(finance_user, {})
    assert len(result.rows) <= exports.pdf_max_rows()
    assert "This PDF shows the first" not in pdf_text(exports.render_pdf(result))
