"""A marketer filters the campaign list and exports it: the file holds the filtered rows (issue 17.2)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.importers import CAMPAIGN_COLUMNS, header_for
from tests.campaigns.factories import CampaignFactory
from tests.support.filters import pick

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_export_menu_downloads_the_filtered_campaign_list(page, live_server, sign_in, marketer, team):
    # given: a draft and a planned campaign of the marketer's team
    CampaignFactory(code="EXP-DRAFT", name="Draft one", team=team, owner=marketer)
    CampaignFactory(code="EXP-PLAN", name="Planned one", team=team, owner=marketer, status="planned")
    sign_in(page, marketer, next_path="/campaigns/")
    expect(page.get_by_text("Draft one")).to_be_visible()
    # when: the list is filtered to planned campaigns (htmx swaps the results)
    pick(page, "Status", "Planned")
    expect(page.get_by_text("Draft one")).to_be_hidden()
    # and the XLSX is chosen from the Export menu
    page.get_by_test_id("export-menu").get_by_role("button", name="Export").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-menu-xlsx").click()
    download = download_info.value
    # then: the file is the campaign import's form, holding the planned campaign only
    assert download.suggested_filename.startswith("campaigns-") and download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["ID", *(header_for(key) for key in CAMPAIGN_COLUMNS)]
    assert [row[1] for row in rows[1:]] == ["EXP-PLAN"]
