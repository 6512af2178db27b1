"""Journeys of reports: the CMO's dashboard, filtering a report and its PDF; finance's XLSX and background export."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_cmo_opens_the_dashboard_filters_a_report_and_downloads_the_pdf(
    page,
    live_server,
    sign_in,
    cmo,
    money_world,
    screenshot,
):
    # given the report world's campaigns run in FY2027, the year the dashboard pictures (its cards cover it)
    Campaign.objects.update(start_date=dt.date(2027, 1, 10), end_date=dt.date(2027, 6, 30))
    # when the CMO (approver + leadership) signs in
    sign_in(page, cmo)
    # then the landing page is the CMO's dashboard, each chart drawn with its table
    expect(page.get_by_role("heading", name="Campaigns by status in FY2027")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting on my decision")).to_be_visible()
    expect(page.get_by_role("heading", name="Overdue approvals")).to_be_visible()
    chart = page.locator('canvas[data-report-chart="campaigns-by-status"]')
    expect(chart).to_have_attribute("data-drawn", "1")
    # and it says whose figures they are: every team (leadership reads all, confidential EXPO included)
    expect(page.get_by_test_id("dashboard-scope")).to_have_text("All teams")
    expect(page.get_by_test_id("campaigns-by-status").get_by_test_id("report-row")).to_have_count(2)
    expect(page.get_by_test_id("campaigns-by-status").get_by_test_id("report-totals")).to_contain_text("3")
    # and spend against budget holds the same money finance sees: 120 000 approved, 65 000 spent
    spend = page.get_by_test_id("spend-vs-budget")
    expect(spend.get_by_test_id("card-scope")).to_contain_text("All teams")
    expect(spend.get_by_test_id("card-period")).to_contain_text("FY2027")
    expect(spend.get_by_test_id("card-all-time-link")).to_have_attribute(
        "href", "/reports/budget-vs-actual/?group_by=team"
    )
    expect(spend.get_by_test_id("report-totals")).to_contain_text("₽120,000.00")
    expect(spend.get_by_test_id("report-totals")).to_contain_text("₽65,000.00")
    screenshot(page, "dashboard-cmo")
    # when the CMO opens budget vs actual from the reports menu and groups it by category
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Budget vs actual").click()
    page.get_by_label("Group by").select_option("category")
    page.get_by_role("button", name="Show").click()
    # then the table (swapped in by htmx) shows categories, and the address is the shareable view
    table = page.get_by_test_id("report-table")
    expect(table.get_by_role("columnheader", name="Category")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/reports/budget-vs-actual/?group_by=category")
    expect(page.get_by_test_id("share-link")).to_have_value(
        f"{live_server.url}/reports/budget-vs-actual/?group_by=category"
    )
    expect(page.locator('canvas[data-report-chart="report-chart"]')).to_have_attribute("data-drawn", "1")
    expect(page.get_by_test_id("report-totals")).to_contain_text("Total")
    screenshot(page, "report-budget-vs-actual")
    # when the CMO downloads the PDF
    with page.expect_download() as download_info:
        page.get_by_test_id("export-pdf").click()
    download = download_info.value
    # then it is the report's PDF
    assert download.suggested_filename.startswith("budget-vs-actual-") and download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:4] == b"%PDF"
    # when the CMO switches to Russian, then the same money reads the Russian way, with the scope in Russian
    page.get_by_test_id("current-user").click()
    page.get_by_test_id("language-ru").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto(f"{live_server.url}/reports/budget-vs-actual/?group_by=team")
    expect(page.get_by_test_id("report-scope")).to_contain_text("Все команды")
    totals = page.get_by_test_id("report-totals")
    expect(totals).to_contain_text("120\xa0000,00\xa0₽")
    expect(totals).to_contain_text("65\xa0000,00\xa0₽")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("dashboard-scope")).to_have_text("Все команды")
    expect(page.get_by_test_id("spend-vs-budget").get_by_test_id("report-totals")).to_contain_text("120\xa0000,00\xa0₽")


def test_finance_exports_xlsx_and_runs_a_background_export(
    page,
    live_server,
    sign_in,
    finance_user,
    money_world,
    screenshot,
):
    # given finance on their dashboard
    sign_in(page, finance_user)
    expect(page.get_by_role("heading", name="Funding requests to review")).to_be_visible()
    expect(page.get_by_test_id("requests-to-review")).to_contain_text("Autumn")
    screenshot(page, "dashboard-finance")
    # when finance opens the cost structure and exports it as XLSX
    page.goto(f"{live_server.url}/reports/cost-structure/")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    # then the workbook has the report's header and figures
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    assert sheet["A1"].value == "Cost structure"
    assert sheet["A2"].value == "Figures of: All teams"
    assert [c.value for c in sheet[6]] == ["Period", "Category", "Channel", "Actual", "Share of total"]
    assert sheet.auto_filter.ref.startswith("A6:E")
    # when finance asks for the same export in the background
    page.get_by_label("in the background").check()
    page.get_by_test_id("export-pdf").click()
    # then the run's page shows it done, with its file to download
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done")
    screenshot(page, "report-run")
    with page.expect_download() as run_download:
        page.get_by_test_id("run-download").click()
    assert run_download.value.suggested_filename.endswith(".pdf")


def test_a_marketer_saves_a_shared_view_and_subscribes(
    page,
    live_server,
    sign_in,
    marketer,
    approver,
    money_world,
    screenshot,
):
    sign_in(page, marketer)
    expect(page.get_by_role("heading", name="My campaigns")).to_be_visible()
    screenshot(page, "dashboard-marketer")
    page.goto(f"{live_server.url}/reports/roi/?group_by=channel")
    page.get_by_label("Name").fill("ROI by channel")
    page.get_by_label("Share with colleagues").check()
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_test_id("saved-view")).to_contain_text("ROI by channel")
    page.get_by_role("link", name="Subscribe by e-mail").click()
    expect(page.get_by_test_id("subscription-form")).to_contain_text("Group by: Channel")
    page.get_by_label("Recipients").select_option([str(marketer.pk), str(approver.pk)])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("subscription-row")).to_contain_text("weekly on Monday")
    screenshot(page, "report-subscriptions")
