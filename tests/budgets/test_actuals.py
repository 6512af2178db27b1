"""Accounting actuals: the cp1251 export parsed exactly, broken lines reported, re-imports idempotent (§4)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.choices import ActualLineStatus, ImportKind
from budgets.imports.actuals import find_request_number
from budgets.matching import register_line_matcher, unregister_line_matcher
from budgets.models import ActualLine, ImportBatch
from imports.tabular import parse_amount
from mrm.exceptions import StateConflict
from tests.budgets.factories import ExpenseCategoryFactory, ImportSourceFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db


def upload(source, content, user, name="export.csv"):
    return import_file(kind=ImportKind.ACTUALS, file_name=name, content=content, source=source, by=user)


def test_the_sample_export_is_parsed_exactly(accounting_source, accounting_csv, finance_user):
    # given categories that mirror the export's articles
    ExpenseCategoryFactory(
        code="MKT-DIG-SEA", name="Search advertising", name_ru="Контекстная реклама", gl_account="44.01.1"
    )
    ExpenseCategoryFactory(code="MKT-DIG-SOC", name="Social", gl_account="44.01.1")
    ExpenseCategoryFactory(code="MKT-EVT", name="Events", gl_account="44.01.2")
    # when
    batch, plan = upload(accounting_source, accounting_csv, finance_user)
    # then the dry run shows four new lines and line 6 broken, and writes nothing
    assert [(row.line, row.outcome) for row in plan.rows] == [
        (2, "new"),
        (3, "new"),
        (4, "new"),
        (5, "new"),
        (6, "error"),
    ]
    assert plan.rows[4].errors == ["the amount abc is not a number"]
    assert not ActualLine.objects.exists()
    # when confirmed
    result = confirm_import(batch=batch, by=finance_user)
    # then
    assert result["created"] == 4
    assert result["errors"] == [{"line": 6, "errors": ["the amount abc is not a number"]}]
    lines = list(ActualLine.objects.order_by("line_number"))
    assert [(line.line_number, line.date, line.document_number, line.amount) for line in lines] == [
        (2, datetime.date(2027, 2, 3), "0000-000114", Decimal("150000.00")),
        (3, datetime.date(2027, 2, 5), "0000-000121", Decimal("48500.00")),
        (4, datetime.date(2027, 2, 11), "0000-000133", Decimal("1200000.00")),
        (5, datetime.date(2027, 2, 14), "0000-000140", Decimal("-12000.00")),
    ]
    assert all(isinstance(line.amount, Decimal) for line in lines)
    assert [line.vendor for line in lines] == [
        'ООО "Рекламная сеть"',
        "ИП Смирнов А. В.",
        'АО "ЭкспоЦентр"',
        'ООО "Медиа Плюс"',
    ]
    assert [line.request_number for line in lines] == ["FR-2027-0001", "FR-2027-0002", "", "FR-2027-0001"]
    assert lines[0].comment == "Оплата по заявке FR-2027-0001, кампания SPRING-27"
    assert lines[0].gl_account == "44.01.1"
    assert lines[0].category.code == "MKT-DIG-SEA"  # by the article's Russian name
    assert lines[2].category.code == "MKT-EVT"  # by a GL account only one category uses
    assert lines[1].category is None  # 44.01.3 is nobody's here: it stays for finance to classify
    assert {line.status for line in lines} == {ActualLineStatus.UNMAPPED}
    assert lines[0].raw["Контрагент"] == 'ООО "Рекламная сеть"'
    assert {line.batch_id for line in lines} == {result["batch"]}  # one batch per applied import job
    assert ImportBatch.objects.get(pk=result["batch"]).summary["job"] == batch.pk
    assert lines[0].history.get().history_user == finance_user


def test_importing_the_same_file_again_adds_nothing(accounting_source, accounting_csv, finance_user):
    first, _plan = upload(accounting_source, accounting_csv, finance_user)
    confirm_import(batch=first, by=finance_user)
    # when
    again, plan = upload(accounting_source, accounting_csv, finance_user)
    # then
    assert [row.outcome for row in plan.rows] == ["duplicate"] * 4 + ["error"]
    result = confirm_import(batch=again, by=finance_user)
    assert result["created"] == 0
    assert result["duplicates"] == 4
    assert ActualLine.objects.count() == 4


def test_an_overlapping_later_export_adds_only_its_new_lines(accounting_source, accounting_csv, finance_user):
    first, _plan = upload(accounting_source, accounting_csv, finance_user)
    confirm_import(batch=first, by=finance_user)
    later = accounting_csv + '01.03.2027;0000-000160;ООО "Новый";5\xa0000,00;44.01.4;PR;заявка fr-2027-0007\r\n'.encode(
        "cp1251"
    )
    batch, plan = upload(accounting_source, later, finance_user, name="march.csv")
    assert [row.outcome for row in plan.rows] == ["duplicate"] * 4 + ["error", "new"]
    confirm_import(batch=batch, by=finance_user)
    new = ActualLine.objects.get(document_number="0000-000160")
    assert new.amount == Decimal("5000.00")
    assert new.request_number == "FR-2027-0007"
    assert new.line_number == 7


def test_the_same_lines_from_another_source_are_other_lines(accounting_csv, finance_user):
    for name in ("1C", "SAP"):
        batch, _plan = upload(ImportSourceFactory(name=name), accounting_csv, finance_user)
        confirm_import(batch=batch, by=finance_user)
    assert ActualLine.objects.count() == 8


def test_a_file_without_the_mapped_columns_is_refused_whole(accounting_source, finance_user):
    content = "Date;Amount\r\n01.01.2027;1,00\r\n".encode("cp1251")
    with pytest.raises(ValidationError, match="Дата, Номер документа, Контрагент, Сумма"):
        upload(accounting_source, content, finance_user)
    assert not ImportBatch.objects.exists()


def test_a_file_in_the_wrong_encoding_is_refused(accounting_source, finance_user):
    accounting_source.encoding = "utf-8"
    accounting_source.save()
    content = "Дата;Сумма\r\n".encode("cp1251")
    with pytest.raises(ValidationError, match="cannot be read as utf-8"):
        upload(accounting_source, content, finance_user)


def test_columns_can_be_mapped_by_number_and_dates_and_amounts_vary(finance_user):
    source = ImportSourceFactory(
        name="ERP",
        encoding="utf-8",
        delimiter=",",
        decimal_comma=False,
        date_format="%Y-%m-%d",
        date_column="1",
        document_number_column="2",
        vendor_column="",
        amount_column="3",
        gl_account_column="",
        category_column="",
        comment_column="",
        reference_column="4",
    )
    content = b'date,doc,amount,ref\n2027-01-05,INV-1,"1,500.25",PO FR-2027-0042\n2027-01-06,INV-2,(300.00),\nbad-date,INV-3,1,\n'
    batch, plan = upload(source, content, finance_user)
    assert [(row.line, row.outcome) for row in plan.rows] == [(2, "new"), (3, "new"), (4, "error")]
    assert plan.rows[2].errors == ["the date bad-date does not match the format %Y-%m-%d"]
    confirm_import(batch=batch, by=finance_user)
    assert list(ActualLine.objects.order_by("line_number").values_list("amount", "request_number")) == [
        (Decimal("1500.25"), "FR-2027-0042"),
        (Decimal("-300.00"), ""),
    ]


def test_a_line_with_a_wrong_number_of_columns_is_reported_and_the_rest_kept(accounting_source, finance_user):
    content = (
        "Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий\r\n"
        "03.02.2027;1;A;1,00;44;X;c\r\n"
        "03.02.2027;2;B\r\n"
        "04.02.2027;3;C;2,00;44;X;c\r\n"
    ).encode("cp1251")
    batch, plan = upload(accounting_source, content, finance_user)
    assert [(row.line, row.outcome) for row in plan.rows] == [(2, "new"), (3, "error"), (4, "new")]
    assert "expected 7 columns, found 3" in plan.rows[1].errors[0]
    confirm_import(batch=batch, by=finance_user)
    assert ActualLine.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("150\xa0000,00", True, Decimal("150000.00")),
        ("1\xa0200\xa0000,00", True, Decimal("1200000.00")),
        ("-12\xa0000,00", True, Decimal("-12000.00")),
        ("1.200.000,5", True, Decimal("1200000.50")),
        ("\u2212100,00", True, Decimal("-100.00")),
        ("1,500.00", False, Decimal("1500.00")),
        ("(42.10)", False, Decimal("-42.10")),
        ("1 500,00", None, Decimal("1500.00")),
        ("1500.00", None, Decimal("1500.00")),
    ],
)
def test_amounts_as_accounting_writes_them(text, decimal_comma, expected):
    assert parse_amount(text, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize("text", ["abc", "", "1,2,3.4.5x", "NaN", "Infinity", "1e400", "0,001"])
def test_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text, decimal_comma=True)


def test_request_numbers_are_found_in_free_text():
    assert find_request_number("", "Оплата по заявке FR-2027-0001, кампания SPRING-27") == "FR-2027-0001"
    assert find_request_number("PO fr-2027-12345") == "FR-2027-12345"
    assert find_request_number("Стенд на выставке, без заявки") == ""
    assert find_request_number("XFR-2027-0001") == ""


def test_the_matching_seam_maps_lines_a_matcher_recognises(accounting_source, accounting_csv, finance_user):
    # given a matcher standing in for funding requests (registered the way budgets' funding requests will)
    def matcher(lines):
        ids = [line.pk for line in lines if line.request_number == "FR-2027-0001"]
        ActualLine.objects.filter(pk__in=ids).update(status=ActualLineStatus.MAPPED)
        return ids

    register_line_matcher(matcher)
    try:
        batch, _plan = upload(accounting_source, accounting_csv, finance_user)
        result = confirm_import(batch=batch, by=finance_user)
    finally:
        unregister_line_matcher(matcher)
    # then
    assert (result["mapped"], result["unmapped"]) == (2, 2)
    assert set(ActualLine.objects.filter(status="unmapped").values_list("document_number", flat=True)) == {
        "0000-000121",
        "0000-000133",
    }


def test_finance_sets_a_line_aside_with_a_reason_and_can_put_it_back(accounting_source, accounting_csv, finance_user):
    batch, _plan = upload(accounting_source, accounting_csv, finance_user)
    confirm_import(batch=batch, by=finance_user)
    line = ActualLine.objects.get(document_number="0000-000133")
    with pytest.raises(ValidationError, match="Say why"):
        services.actual_line_set_status(line=line, status=ActualLineStatus.IGNORED, note=" ", by=finance_user)
    services.actual_line_set_status(line=line, status=ActualLineStatus.IGNORED, note="Not marketing", by=finance_user)
    line.refresh_from_db()
    assert (line.status, line.status_note) == ("ignored", "Not marketing")
    with pytest.raises(StateConflict):
        services.actual_line_set_status(line=line, status=ActualLineStatus.IGNORED, note="again", by=finance_user)
    services.actual_line_set_status(line=line, status=ActualLineStatus.UNMAPPED, by=finance_user)
    line.refresh_from_db()
    assert line.status == "unmapped"
    assert line.history.count() == 3


def test_an_xlsx_export_with_real_dates_and_numbers(accounting_source, finance_user):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Дата", "Номер документа", "Контрагент", "Сумма", "Счет", "Статья", "Комментарий"])
    sheet.append([datetime.datetime(2027, 3, 1), "0000-000200", "ООО Тест", 1234.56, "44.01.1", "", "FR-2027-0003"])
    sheet.append(["01.03.2027", "0000-000201", "ООО Тест", "-10,00", "44.01.1", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch, plan = upload(accounting_source, buffer.getvalue(), finance_user, name="march.xlsx")
    assert [(row.line, row.outcome) for row in plan.rows] == [(2, "new"), (3, "new")]
    confirm_import(batch=batch, by=finance_user)
    assert list(ActualLine.objects.order_by("line_number").values_list("date", "amount", "request_number")) == [
        (datetime.date(2027, 3, 1), Decimal("1234.56"), "FR-2027-0003"),
        (datetime.date(2027, 3, 1), Decimal("-10.00"), ""),
    ]
