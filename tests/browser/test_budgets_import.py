"""Finance brings the old invoice sheet in from the expenses page: map, dry run, confirm, see the expenses (issue 17.1)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budgets.models import Expense
from imports.services import import_run
from tests.budgets.factories import ExpenseCategoryFactory, FiscalPeriodFactory, FiscalYearFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "data"


def test_finance_imports_the_old_invoice_sheet_with_a_mapping_and_a_dry_run(
    page, live_server, sign_in, finance_user, marketer, team, screenshot, tmp_path
):
    # given the campaign, category and period of the old sheets, and its funding requests already imported
    FiscalPeriodFactory(year=FiscalYearFactory())
    ExpenseCategoryFactory(code="MKT-DIG-SEA", name="Paid search")
    CampaignFactory(
        team=team,
        owner=marketer,
        code="SPRING-27",
        planned_cost=Decimal("200000.00"),
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    requests = (DATA / "old_funding_requests_cp1251.csv").read_bytes()
    import_run(kind="funding_requests", file_name="requests.csv", content=requests, by=finance_user)
    # and the invoice sheet as Russian Excel saved it, whose vendor column the old sheet called "Поставщик"
    sheet = tmp_path / "old_invoices.csv"
    text = (DATA / "old_expenses_cp1251.csv").read_bytes().decode("cp1251")
    sheet.write_bytes(text.replace("Контрагент", "Поставщик", 1).encode("cp1251"))

    sign_in(page, finance_user, next_path="/budgets/expenses/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(page.get_by_test_id("import-kinds")).to_contain_text("Import commitments")
    expect(page.get_by_test_id("import-templates")).to_be_visible()
    # when the file is uploaded
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(sheet))
    page.get_by_label("Source (optional)").fill("Old invoices")
    page.get_by_role("button", name="Preview").click()
    # then the mapping step asks what the unknown column holds, before the dry run
    expect(page.get_by_test_id("import-needs-mapping")).to_be_visible()
    page.get_by_label("Поставщик").select_option("vendor")
    page.get_by_role("button", name="Read the file with this mapping").click()
    # then the dry run says per row what would happen, with the sheet's line numbers and the column refused
    expect(page.get_by_text("Step 2 of 3: dry run. Nothing has been written yet.")).to_be_visible()
    expect(page.get_by_test_id("import-mapping-used")).to_contain_text("Old invoices")
    expect(page.locator('[data-testid="preview-row"][data-outcome="new"]')).to_have_count(2)
    refused = page.locator('[data-testid="preview-row"][data-outcome="error"]')
    expect(refused).to_have_count(2)
    expect(refused.first).to_contain_text("3")
    expect(refused.first).to_contain_text("Сумма: ")
    expect(refused.nth(1)).to_contain_text("Заявка на финансирование: ")
    assert not Expense.objects.exists()
    screenshot(page, "expenses-import-preview")
    # when confirmed
    page.get_by_role("button", name="Confirm import").click()
    # then the two good invoices are expenses, and the expenses page lists them
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "applied")
    expect(page.get_by_test_id("import-result")).to_contain_text("2")
    assert sorted(Expense.objects.values_list("external_ref", flat=True)) == ["СЧ-1", "СЧ-4"]
    page.get_by_role("link", name="See the expenses").click()
    expect(page.get_by_test_id("expense")).to_have_count(2)
    expect(page.get_by_test_id("expenses")).to_contain_text("ООО «Медиа»")
    # when the import turns out to be a mistake, it is undone from its job page
    page.go_back()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "undone")
    assert not Expense.objects.exists()
