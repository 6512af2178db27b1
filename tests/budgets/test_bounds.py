"""Money and dates in budgets, funding and imports are held to mrm/bounds.py (issue 15.1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets import services
from budgets.choices import ImportKind
from budgets.models import ActualLine, BudgetAllocation, Expense, FiscalYear, FundingRequest
from imports.models import ImportJob
from imports.tabular import parse_amount, parse_date
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

HOSTILE_AMOUNTS = ["١٠٠٠٠٠", "१०००००", "１０００００", "100_000", "1e5", "NaN", "Infinity"]


@pytest.fixture
def body(campaign, category, q1):
    return {
        "campaign": campaign.pk,
        "category": category.pk,
        "period": q1.pk,
        "amount": "100000.00",
        "justification": "Paid search for the spring launch",
    }


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_a_funding_request_amount_is_ascii_digits(api_as, marketer, body, amount):
    response = api_as(marketer).post("/api/v1/funding-requests/", {**body, "amount": amount}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not FundingRequest.objects.exists()


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_an_expense_amount_is_ascii_digits(api_as, marketer, approved_request, amount):
    response = api_as(marketer).post(
        "/api/v1/expenses/",
        {"funding_request": approved_request.pk, "vendor": "X", "amount": amount, "date": "2027-02-03"},
        format="json",
    )
    assert response.status_code == 400
    assert not Expense.objects.exists()


def test_an_expense_date_outside_the_window_is_a_400(api_as, marketer, approved_request):
    response = api_as(marketer).post(
        "/api/v1/expenses/",
        {"funding_request": approved_request.pk, "vendor": "X", "amount": "1.00", "date": "9999-02-03"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["date"] == ["Enter a date between 2000-01-01 and 2100-12-31."]
    assert not Expense.objects.exists()


def test_a_fiscal_year_far_ahead_is_refused_on_its_form(client, finance_user):
    client.force_login(finance_user)
    response = client.post(
        reverse("budgets:year_create"), {"name": "FY9999", "start_date": "9999-06-01", "period_kind": "quarter"}
    )
    assert "Enter a date between 2000-01-01 and 2100-12-31." in response.content.decode()
    assert not FiscalYear.objects.exists()


def test_a_fiscal_year_far_ahead_is_refused_by_the_service(finance_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.fiscal_year_create(
            name="FY9999", start_date=datetime.date(9999, 6, 1), period_kind="quarter", by=finance_user
        )
    assert "start_date" in caught.value.message_dict


@pytest.mark.parametrize("amount", ["١٠٠", "１００", "1_000", "1e5"])
def test_the_allocation_cell_refuses_other_digits(client, finance_user, q1, team, category, amount):
    client.force_login(finance_user)
    client.post(reverse("budgets:allocation_cell", args=[q1.pk, team.pk, category.pk]), {"amount": amount})
    assert not BudgetAllocation.objects.exists()


# --- imports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["١٠٠", "१००", "１００", "1_000", "1e5", "１,００"])
def test_an_imported_amount_is_ascii_digits(text):
    with pytest.raises(ValueError):
        parse_amount(text, decimal_comma=True)


@pytest.mark.parametrize("text", ["01.01.0001", "31.12.9999", "٠١.٠١.٢٠٢٧"])
def test_an_imported_date_lies_in_the_window(text):
    with pytest.raises(ValueError):
        parse_date(text, "%d.%m.%Y")


def test_an_allocation_import_with_arabic_digits_reports_the_row(q1, team, category, finance_user):
    content = f"period,team,category,amount\n{q1.name},{team.name},{category.code},١٠٠\n".encode()
    _job, plan = import_file(kind=ImportKind.ALLOCATIONS, file_name="a.csv", content=content, by=finance_user)
    assert [row.outcome for row in plan.rows] == ["error"]


def test_an_undecodable_csv_names_the_encodings_tried(finance_user):
    # given bytes that are neither UTF-8 nor Windows-1251 (0x98 is unassigned in cp1251)
    content = b"code,name\nMKT,\x98\xff\n"
    # when it is imported, then the job fails with the encodings tried, and nothing is planned
    with pytest.raises(ValidationError) as refused:
        import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=content, by=finance_user)
    assert "cannot be read as UTF-8, Windows-1251 (cp1251) (byte 15)" in refused.value.messages[0]
    assert not ImportJob.objects.get().rows.exists()


def test_an_undecodable_csv_is_explained_in_russian(finance_user):
    finance_user.language = "ru"
    finance_user.save()
    with pytest.raises(ValidationError) as refused:
        import_file(
            kind=ImportKind.CATEGORIES, file_name="c.csv", content=b"code,name\nMKT,\x98\xff\n", by=finance_user
        )
    assert "UTF-8, Windows-1251 (cp1251)" in refused.value.messages[0]
    assert "Файл не читается" in refused.value.messages[0]


ACCOUNTING_HEADER = "Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий\r\n"


def test_a_nul_in_an_accounting_line_is_reported_and_never_stored(finance_user, accounting_source):
    content = (ACCOUNTING_HEADER + "03.02.2027;1;A\x00B;1,00;44;X;c\r\n" + "04.02.2027;2;C;2,00;44;X;c\r\n").encode(
        "cp1251"
    )
    # given the export parsed: the NUL line is an error of the plan, shown with ␀
    job, plan = import_file(
        kind=ImportKind.ACTUALS, file_name="export.csv", content=content, by=finance_user, source=accounting_source
    )
    assert [row.outcome for row in plan.rows] == ["error", "new"]
    assert "NUL character" in plan.rows[0].errors[0]
    # when finance confirms
    result = confirm_import(batch=job, by=finance_user)
    # then the clean line is imported, the NUL line is reported and nothing of it is stored
    assert list(ActualLine.objects.values_list("document_number", flat=True)) == ["2"]
    assert result["errors"][0]["line"] == 2
    assert not any("\x00" in str(values) for values in ActualLine.objects.values_list("vendor", "raw", "comment"))


def test_an_accounting_line_dated_outside_the_window_is_reported(finance_user, accounting_source):
    content = (ACCOUNTING_HEADER + "03.02.9999;1;A;1,00;44;X;c\r\n").encode("cp1251")
    _job, plan = import_file(
        kind=ImportKind.ACTUALS, file_name="e.csv", content=content, source=accounting_source, by=finance_user
    )
    assert plan.rows[0].errors == ["Enter a date between 2000-01-01 and 2100-12-31."]


def test_the_migration_moves_a_fiscal_period_into_the_window(fiscal_year, q1, capsys):
    import importlib

    from django.apps import apps

    from budgets.models import FiscalPeriod

    FiscalPeriod.objects.filter(pk=q1.pk).update(end_date=datetime.date(9999, 1, 1))
    importlib.import_module("budgets.migrations.0005_dates_within_window").clamp_dates(apps, None)
    assert FiscalPeriod.objects.get(pk=q1.pk).end_date == datetime.date(2100, 12, 31)
    assert f"budgets.FiscalPeriod #{q1.pk}" in capsys.readouterr().out
