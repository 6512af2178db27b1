"""Journeys of finance in the budgets pages: imports with a dry run, the unmapped queue, the grid."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budgets.models import ActualLine, BudgetAllocation, ExpenseCategory
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    FiscalPeriodFactory,
    ImportSourceFactory,
)
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "data"


def test_finance_imports_the_chart_of_accounts_with_a_dry_run_and_sees_the_tree(
    page, live_server, sign_in, finance_user, screenshot
):
    # given finance on the categories page
    sign_in(page, finance_user, next_path="/budgets/categories/")
    page.get_by_role("link", name="Import from CSV or XLSX").click()
    # when the sample file is uploaded
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(DATA / "expense_categories.csv"))
    page.get_by_role("button", name="Preview").click()
    # then the dry run shows ten new rows and nothing is written yet
    expect(page.get_by_text("Step 2 of 3: dry run. Nothing has been written yet.")).to_be_visible()
    rows = page.get_by_test_id("preview-row")
    expect(rows).to_have_count(10)
    expect(page.locator('[data-testid="preview-row"][data-outcome="new"]')).to_have_count(10)
    assert not ExpenseCategory.objects.exists()
    screenshot(page, "budgets-import-preview")
    # when finance confirms
    page.get_by_role("button", name="Confirm import").click()
    # then the import reports what it wrote, and the tree shows the categories under their parents
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "applied")
    expect(page.get_by_test_id("import-result")).to_contain_text("10")
    page.get_by_role("link", name="See the result").click()
    tree = page.get_by_test_id("category-tree")
    expect(tree.get_by_test_id("category-MKT")).to_have_attribute("data-depth", "0")
    expect(tree.get_by_test_id("category-MKT-DIG")).to_have_attribute("data-depth", "1")
    expect(tree.get_by_test_id("category-MKT-DIG-SEA")).to_have_attribute("data-depth", "2")
    expect(tree.get_by_test_id("category-MKT-DIG-SEA")).to_contain_text("Контекстная реклама")
    assert ExpenseCategory.objects.count() == 10
    screenshot(page, "budgets-categories")


def test_finance_imports_the_accounting_export_and_sees_the_unmapped_lines(
    page, live_server, sign_in, finance_user, screenshot
):
    # given the accounting system's column mapping
    ImportSourceFactory(name="1C export")
    sign_in(page, finance_user, next_path="/budgets/imports/")
    page.get_by_role("link", name="Import accounting actuals").click()
    # when the Windows-1251 export is uploaded
    page.get_by_label("Accounting system").select_option(label="1C export")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(DATA / "accounting_export_cp1251.csv"))
    page.get_by_role("button", name="Preview").click()
    # then the broken line is reported with its number, the others are ready
    broken = page.locator('[data-testid="preview-row"][data-outcome="error"]')
    expect(broken).to_have_count(1)
    expect(broken).to_contain_text("6")
    expect(broken).to_contain_text("the amount abc is not a number")
    expect(page.locator('[data-testid="preview-row"][data-outcome="new"]')).to_have_count(4)
    assert not ActualLine.objects.exists()
    # when confirmed
    page.get_by_role("button", name="Confirm import").click()
    # then the import reports what it wrote, and the unmapped queue lists the lines, the one without a request included
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "applied")
    page.get_by_role("link", name="See the imported lines").click()
    lines = page.get_by_test_id("actual-line")
    expect(lines).to_have_count(4)
    expect(lines.filter(has_text='АО "ЭкспоЦентр"')).to_contain_text("Unmapped")
    expect(lines.filter(has_text="0000-000140")).to_contain_text("-₽12,000.00")
    expect(page.get_by_test_id("lines-total")).to_have_text("₽1,386,500.00")
    screenshot(page, "budgets-unmapped-queue")


def test_the_import_page_follows_the_job_until_the_preview_is_ready(
    page, live_server, sign_in, finance_user, monkeypatch
):
    # given a worker that has not picked the job up yet
    from imports import services

    parse = services.import_job_parse
    monkeypatch.setattr(services, "import_job_parse", lambda job_id: None)
    sign_in(page, finance_user, next_path="/budgets/imports/new/categories/")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(DATA / "expense_categories.csv"))
    page.get_by_role("button", name="Preview").click()
    # then the upload answered at once and the page shows the job waiting
    job = page.get_by_test_id("import-job")
    expect(job).to_have_attribute("data-status", "queued")
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    # when the worker reads the file
    from imports.models import ImportJob

    parse(ImportJob.objects.get().pk)
    # then the page, polling, shows the dry run without a reload
    expect(job).to_have_attribute("data-status", "ready", timeout=10_000)
    expect(page.get_by_test_id("preview-row")).to_have_count(10)
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()


def test_finance_edits_an_allocation_in_place(page, live_server, sign_in, finance_user, team, screenshot):
    # given a period with one allocation
    period = FiscalPeriodFactory()
    category = ExpenseCategoryFactory(code="MKT-PR", name="Public relations")
    BudgetAllocationFactory(period=period, team=team, category=category, amount=Decimal("1500.00"))
    sign_in(page, finance_user, next_path=f"/budgets/?period={period.pk}")
    expect(page.get_by_test_id("grand-total")).to_have_text("₽1,500.00")
    screenshot(page, "budgets-grid")
    # when the cell is opened and a new amount saved
    page.get_by_role("link", name="Edit the allocation of Brand for MKT-PR").click()
    amount = page.get_by_label("Brand, MKT-PR")
    # a negative amount is refused in place, with its reason
    amount.fill("-5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("greater than or equal to 0")
    assert BudgetAllocation.objects.get().amount == Decimal("1500.00")
    amount = page.get_by_label("Brand, MKT-PR")
    amount.fill("2750.50")
    page.get_by_role("button", name="Save").click()
    # then the grid comes back with the new total, without leaving the page
    expect(page.get_by_test_id("grand-total")).to_have_text("₽2,750.50")
    assert page.url.endswith(f"/budgets/?period={period.pk}")
    assert BudgetAllocation.objects.get().amount == Decimal("2750.50")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_budget_page_is_accessible_in_both_languages(page, live_server, sign_in, finance_user, team, language):
    # given a finance user reading in the language, and some of everything
    from budgets.choices import ImportKind

    finance_user.language = language
    finance_user.save(update_fields=["language"])
    period = FiscalPeriodFactory()
    category = ExpenseCategoryFactory(code="MKT-PR", name="Public relations", name_ru="PR")
    BudgetAllocationFactory(period=period, team=team, category=category, amount=Decimal("1500.00"))
    source = ImportSourceFactory(name="1C export")
    batch, _plan = import_file(
        kind=ImportKind.ACTUALS,
        file_name="export.csv",
        content=(DATA / "accounting_export_cp1251.csv").read_bytes(),
        source=source,
        by=finance_user,
    )
    confirm_import(batch=batch, by=finance_user)
    pending, _plan = import_file(
        kind=ImportKind.CATEGORIES, file_name="c.csv", content=b"code,name\n,No code\n", by=finance_user
    )
    sign_in(page, finance_user)
    # when every budget page is opened (the page fixture audits each with axe-core)
    paths = [
        f"/budgets/?period={period.pk}",
        f"/budgets/allocations/{period.pk}/{team.pk}/{category.pk}/",
        "/budgets/years/",
        "/budgets/years/new/",
        f"/budgets/years/{period.year_id}/edit/",
        f"/budgets/periods/{period.pk}/edit/",
        "/budgets/categories/",
        f"/budgets/categories/{category.pk}/edit/",
        "/budgets/imports/",
        "/budgets/imports/new/actuals/",
        f"/budgets/imports/{batch.pk}/",
        f"/budgets/imports/{pending.pk}/",
        "/budgets/actuals/?status=all",
        f"/budgets/actuals/{ActualLine.objects.first().pk}/",
        "/budgets/sources/",
        f"/budgets/sources/{source.pk}/edit/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        # then each answers, in the reader's language
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("main")).to_be_visible()
