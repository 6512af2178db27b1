"""XLSX opened with openpyxl, PDF text extracted with pypdf, and the PDF's URL fetcher."""

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


def test_xlsx_has_typed_cells_number_formats_a_frozen_header_and_widths(money_world, finance_user, q1):
    # given budget vs actual by team for Q1
    result = get_report("budget-vs-actual").run(finance_user, {"group_by": "team", "period": str(q1.pk)})
    # when exported to XLSX and opened again
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    # then the title, the filters and the date sit above the header, which is frozen
    assert sheet["A1"].value == "Budget vs actual"
    assert "Fiscal period: Q1 2027" in sheet["A2"].value
    assert sheet.freeze_panes == "A6"
    assert [c.value for c in sheet[5]][:3] == ["Team", "Allocated", "Requested"]
    # and money is a number with a money format, the utilisation a percentage
    brand = sheet[6]
    assert brand[0].value == "Brand"
    assert brand[1].value == 150000 and brand[1].data_type == "n"
    assert "#,##0.00" in brand[1].number_format and "₽" in brand[1].number_format
    assert brand[8].value == pytest.approx(0.2) and brand[8].number_format == "0.0%"
    # and the totals close the table, in bold
    totals = sheet[8]
    assert totals[0].value == "Total" and totals[1].value == 230000 and totals[1].font.b
    # and columns are wide enough for their content
    assert sheet.column_dimensions["A"].width >= 10
    assert sheet.column_dimensions["B"].width >= 12


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
        amount=Decimal("1234.50"),
        status=ActualLineStatus.UNMAPPED,
        fingerprint="x",
    )
    result = get_report("spend-without-request").run(finance_user, {})
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result))).active
    assert sheet["A6"].is_date and sheet["A6"].value.date() == datetime.date(2027, 2, 3)
    assert sheet["F6"].value == 1234.5


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
