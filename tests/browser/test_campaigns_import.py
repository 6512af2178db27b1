"""A marketer brings the old campaign spreadsheet in: upload, dry run with the unknowns listed, confirm (issue 17.1)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Activity, Campaign
from campaigns.services import channels_ensure_defaults
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "data"


def test_a_marketer_imports_the_old_spreadsheet_with_a_dry_run(
    page, live_server, sign_in, marketer, screenshot, tmp_path
):
    # given the people the Russian Excel file names (one of them has left) and the built-in channels
    channels_ensure_defaults()
    UserFactory(username="sponsor", roles=["approver"])
    UserFactory(username="ivanov", email="ivanov@old.example", roles=["marketer"], is_active=False)
    sign_in(page, marketer, next_path="/campaigns/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    # when the file is uploaded
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(DATA / "old_campaigns_cp1251.csv"))
    page.get_by_role("button", name="Preview").click()
    # then the dry run lists what MRM does not know, and says per row what would happen, with the line numbers
    expect(page.get_by_text("Step 2 of 3: dry run. Nothing has been written yet.")).to_be_visible()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("Маркетинг")
    expect(summary).to_contain_text("petrov")
    expect(summary).to_contain_text("fax")
    expect(page.locator('[data-testid="preview-row"][data-outcome="new"]')).to_have_count(3)
    refused = page.locator('[data-testid="preview-row"][data-outcome="error"]')
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("5")
    expect(refused).to_contain_text("Команда: no team is named Маркетинг")
    assert not Campaign.objects.exists()
    screenshot(page, "campaigns-import-preview")
    # when confirmed
    page.get_by_role("button", name="Confirm import").click()
    # then the three good rows are campaigns, the programme before its child
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "applied")
    expect(page.get_by_test_id("import-result")).to_contain_text("3")
    assert Campaign.objects.get(code="ВЕС-ВЕБ").parent.code == "ВЕС-2026"
    assert Campaign.objects.get(code="ВЫСТ-2025").owner.username == "ivanov"
    page.get_by_role("link", name="See the campaigns").click()
    expect(page.get_by_text("Вебинар «Весна»")).to_be_visible()

    # when the old activity plan comes next, with headers MRM does not know
    plan = tmp_path / "old_activities.csv"
    plan.write_bytes(
        "Кампания;Мероприятие;Начало;Конец;Номер;Заметки\r\n"
        "ВЕС-2026;Стенд на выставке;01.03.2026;03.03.2026;П-1;звонить заранее\r\n"
        "ВЕС-2026;Вебинар для партнёров;10.03.2026;10.03.2026;П-2;\r\n".encode("cp1251")
    )
    page.goto(f"{live_server.url}/campaigns/import/activities/")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(plan))
    page.get_by_label("Source (optional)").fill("Old plan")
    page.get_by_role("button", name="Preview").click()
    # then the mapping step asks which column is which, before the dry run
    expect(page.get_by_test_id("import-needs-mapping")).to_be_visible()
    expect(page.get_by_test_id("mapping-row")).to_have_count(6)
    page.get_by_label("Мероприятие").select_option("name")
    page.get_by_label("Начало").select_option("start_date")
    page.get_by_label("Конец").select_option("end_date")
    page.get_by_label("Номер").select_option("external_ref")
    screenshot(page, "activities-import-mapping")
    page.get_by_role("button", name="Read the file with this mapping").click()
    # then the dry run follows with the mapping remembered for the source
    expect(page.get_by_text("Step 2 of 3: dry run. Nothing has been written yet.")).to_be_visible()
    expect(page.get_by_test_id("import-mapping-used")).to_contain_text("Old plan")
    expect(page.locator('[data-testid="preview-row"][data-outcome="new"]')).to_have_count(2)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "applied")
    assert sorted(Activity.objects.values_list("external_ref", flat=True)) == ["П-1", "П-2"]
    # when the import turns out to be a mistake, it is undone from the job page
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-status", "undone")
    expect(page.get_by_test_id("import-undone")).to_be_visible()
    screenshot(page, "activities-import-undone")
    assert not Activity.objects.exists()
