"""Categories and allocations import from CSV/XLSX with a dry run (PRODUCT.md §4)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from budgets.choices import ImportKind
from budgets.models import BudgetAllocation, ExpenseCategory
from imports.choices import JobStatus
from imports.models import ImportJob
from mrm.exceptions import StateConflict
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outcomes(plan):
    return [(row.line, row.outcome) for row in plan.rows]


def test_the_sample_chart_of_accounts_imports_as_is(categories_csv, finance_user):
    # given the dry run
    batch, plan = import_file(
        kind=ImportKind.CATEGORIES, file_name="expense_categories.csv", content=categories_csv, by=finance_user
    )
    assert [o for _line, o in outcomes(plan)] == ["new"] * 10
    assert not ExpenseCategory.objects.exists()  # the dry run wrote nothing
    # when
    result = confirm_import(batch=batch, by=finance_user)
    # then
    assert result["created"] == 10
    search = ExpenseCategory.objects.get(code="MKT-DIG-SEA")
    assert search.name == "Search advertising"
    assert search.name_ru == "Контекстная реклама"
    assert search.gl_account == "44.01.1"
    assert search.parent.code == "MKT-DIG"
    assert search.parent.parent.code == "MKT"
    assert ExpenseCategory.objects.get(code="MKT").parent is None
    assert search.history.last().history_user == finance_user


def test_importing_the_same_chart_again_changes_nothing_and_an_edit_shows_as_changed(categories_csv, finance_user):
    batch, _plan = import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=categories_csv, by=finance_user)
    confirm_import(batch=batch, by=finance_user)
    edited = categories_csv.replace(b"Market research", b"Market and customer research")
    # when
    _batch, plan = import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=edited, by=finance_user)
    # then
    changed = [row for row in plan.rows if row.outcome == "changed"]
    assert [row.data["code"] for row in changed] == ["MKT-RES"]
    assert changed[0].changes == ["name: Market research → Market and customer research"]
    assert plan.counts()["unchanged"] == 9


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(finance_user):
    content = (
        b"code,name,name_ru,parent_code,gl_account\n"
        b"A,Alpha,,,44.01\n"
        b",No code,,,\n"
        b"B,,,A,\n"
        b"A,Alpha again,,,\n"
        b"C,Orphan,,ZZZ,\n"
        b"D,Fine,,A,44.02\n"
    )
    # when
    batch, plan = import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=content, by=finance_user)
    # then
    assert outcomes(plan) == [(2, "new"), (3, "error"), (4, "error"), (5, "error"), (6, "error"), (7, "new")]
    errors = {row.line: row.errors for row in plan.errors}
    assert errors[3] == ["the code is empty"]
    assert errors[4] == ["the name is empty"]
    assert errors[5] == ["the code A is already on line 2"]
    assert errors[6] == ["the parent ZZZ is neither in the file nor in MRM"]
    # and confirming applies nothing at all
    with pytest.raises(ValidationError) as error:
        confirm_import(batch=batch, by=finance_user)
    assert "Line 3: the code is empty" in error.value.messages
    assert not ExpenseCategory.objects.exists()
    assert ImportJob.objects.get().status == JobStatus.READY


def test_a_loop_in_the_tree_is_an_error(finance_user):
    content = b"code,name,parent_code\nA,Alpha,B\nB,Beta,A\n"
    _batch, plan = import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=content, by=finance_user)
    assert [row.errors for row in plan.rows] == [
        ["the parent B would make a loop in the tree"],
        ["the parent A would make a loop in the tree"],
    ]


def test_a_file_missing_required_columns_is_refused_whole(finance_user):
    with pytest.raises(ValidationError, match="lacks the column"):
        import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=b"foo,bar\n1,2\n", by=finance_user)
    with pytest.raises(ValidationError, match="empty"):
        import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=b"", by=finance_user)
    assert list(ImportJob.objects.values_list("status", flat=True)) == [JobStatus.FAILED]


def test_categories_import_from_xlsx(finance_user):
    content = xlsx(
        [
            ["code", "name", "name_ru", "parent_code", "gl_account"],
            ["MKT", "Marketing", "Маркетинг", None, 44.01],
            [None, None, None, None, None],
            ["MKT-PR", "Public relations", "PR", "MKT", "44.01.4"],
        ]
    )
    batch, plan = import_file(kind=ImportKind.CATEGORIES, file_name="chart.xlsx", content=content, by=finance_user)
    assert outcomes(plan) == [(2, "new"), (4, "new")]
    confirm_import(batch=batch, by=finance_user)
    assert ExpenseCategory.objects.get(code="MKT-PR").parent.code == "MKT"
    assert ExpenseCategory.objects.get(code="MKT").gl_account == "44.01"


def test_a_previewed_import_is_applied_only_once(categories_csv, finance_user):
    batch, _plan = import_file(kind=ImportKind.CATEGORIES, file_name="c.csv", content=categories_csv, by=finance_user)
    confirm_import(batch=batch, by=finance_user)
    with pytest.raises(StateConflict, match="already imported"):
        confirm_import(batch=batch, by=finance_user)


def test_allocations_import_creates_and_updates_cells(q1, team, other_team, finance_user):
    ExpenseCategoryFactory(code="MKT-PR")
    ExpenseCategoryFactory(code="MKT-EVT")
    existing = BudgetAllocationFactory(period=q1, team=team, category=ExpenseCategory.objects.get(code="MKT-PR"))
    content = (
        "period;team;category;amount;note\r\n"
        "Q1 2027;Brand;MKT-PR;1\xa0500,00;press tour\r\n"
        "Q1 2027;events;MKT-EVT;250000.50;\r\n"
    ).encode("cp1251")
    # when
    batch, plan = import_file(kind=ImportKind.ALLOCATIONS, file_name="a.csv", content=content, by=finance_user)
    # then the dry run
    assert outcomes(plan) == [(2, "changed"), (3, "new")]
    assert plan.rows[0].changes == ["amount: 1000.00 → 1500.00", "note: — → press tour"]
    assert BudgetAllocation.objects.count() == 1
    # and the confirmation
    confirm_import(batch=batch, by=finance_user)
    existing.refresh_from_db()
    assert existing.amount == Decimal("1500.00")
    assert existing.note == "press tour"
    assert BudgetAllocation.objects.get(team=other_team).amount == Decimal("250000.50")


def test_allocation_rows_with_unknown_names_or_bad_amounts_are_reported(q1, team, finance_user):
    ExpenseCategoryFactory(code="MKT-PR")
    content = (
        b"period,team,category,amount\n"
        b"Q9 2099,Brand,MKT-PR,10\n"
        b"Q1 2027,Nobody,MKT-PR,10\n"
        b"Q1 2027,Brand,NOPE,10\n"
        b"Q1 2027,Brand,MKT-PR,-10\n"
        b"Q1 2027,Brand,MKT-PR,ten\n"
        b"Q1 2027,Brand,MKT-PR,10.005\n"
        b"Q1 2027,Brand,MKT-PR,10\n"
        b"Q1 2027,Brand,MKT-PR,11\n"
    )
    batch, plan = import_file(kind=ImportKind.ALLOCATIONS, file_name="a.csv", content=content, by=finance_user)
    assert {row.line: row.errors for row in plan.errors} == {
        2: ["no fiscal period is named Q9 2099"],
        3: ["no team is named Nobody"],
        4: ["no expense category has the code NOPE"],
        5: ["the amount must not be negative"],
        6: ["the amount ten is not a number with at most two decimals"],
        7: ["the amount 10.005 is not a number with at most two decimals"],
        9: ["the same period, team and category are already on line 8"],
    }
    with pytest.raises(ValidationError):
        confirm_import(batch=batch, by=finance_user)
    assert not BudgetAllocation.objects.exists()


def test_allocations_import_from_xlsx_with_numeric_amounts(q1, team, finance_user):
    ExpenseCategoryFactory(code="MKT-PR")
    content = xlsx([["Period", "Team", "Category", "Amount"], ["Q1 2027", "Brand", "MKT-PR", 1234.5]])
    batch, plan = import_file(kind=ImportKind.ALLOCATIONS, file_name="a.xlsx", content=content, by=finance_user)
    assert outcomes(plan) == [(2, "new")]
    confirm_import(batch=batch, by=finance_user)
    assert BudgetAllocation.objects.get().amount == Decimal("1234.50")


def test_a_damaged_xlsx_is_refused_with_a_reason(finance_user):
    with pytest.raises(ValidationError, match="not a readable XLSX"):
        import_file(kind=ImportKind.CATEGORIES, file_name="x.xlsx", content=b"PK\x03\x04garbage", by=finance_user)


def test_previews_nobody_confirmed_are_purged_after_a_week(categories_csv, finance_user):
    import datetime

    from django.utils import timezone

    from imports.tasks import purge_import_jobs_task
    from mrm.schedule import BEAT_SCHEDULE

    # given an abandoned preview, a fresh one and an applied import, all older than a week except the fresh one
    abandoned, _plan = import_file(kind="categories", file_name="a.csv", content=categories_csv, by=finance_user)
    applied, _plan = import_file(kind="categories", file_name="b.csv", content=categories_csv, by=finance_user)
    confirm_import(batch=applied, by=finance_user)
    week_ago = timezone.now() - datetime.timedelta(days=8)
    ImportJob.objects.filter(pk__in=[abandoned.pk, applied.pk]).update(created_at=week_ago)
    fresh, _plan = import_file(kind="categories", file_name="c.csv", content=categories_csv, by=finance_user)
    # when the daily job runs, twice
    assert purge_import_jobs_task() == 1
    assert purge_import_jobs_task() == 0
    # then only the abandoned preview is gone, with its file
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {applied.pk, fresh.pk}
    assert not abandoned.file.storage.exists(abandoned.file.name)
    assert BEAT_SCHEDULE["imports-purge-unconfirmed"]["task"] == "imports.tasks.purge_import_jobs_task"
