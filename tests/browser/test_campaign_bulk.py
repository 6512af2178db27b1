"""Journey (issue 18 item 1): a marketer changes several campaigns at once from the list, then undoes it."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign
from tests.campaigns.factories import CampaignFactory
from tests.support.filters import search_box

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def test_tick_campaigns_shift_their_dates_and_undo(page, live_server, sign_in, marketer, team, screenshot):
    for n in range(3):
        CampaignFactory(code=f"Q3-{n}", name=f"Autumn wave {n}", team=team, owner=marketer, tags="autumn")
    sign_in(page, marketer, next_path="/campaigns/")
    bar = page.get_by_test_id("bulk-bar")
    # only the chosen action's fields show
    bar.get_by_label("Action").select_option("shift_dates")
    expect(bar.get_by_label("Shift by days")).to_be_visible()
    expect(search_box(page, "Owner", scope=bar)).to_be_hidden()
    page.get_by_label("Select Q3-0").check()
    page.get_by_label("Select Q3-2").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("(2)")
    bar.get_by_label("Shift by days").fill("14")
    screenshot(page, "campaign_bulk")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 campaigns changed")
    moved = Campaign.objects.get(code="Q3-0")
    untouched = Campaign.objects.get(code="Q3-1")
    assert (moved.start_date - untouched.start_date).days == 14
    # and changes their mind
    page.get_by_test_id("bulk-undo").click()
    expect(page.get_by_role("heading", name=re.compile("Bulk change undone"))).to_be_visible()
    assert Campaign.objects.get(code="Q3-0").start_date == untouched.start_date


def test_a_double_click_on_apply_sends_one_bulk_change(page, live_server, sign_in, marketer, team):
    from campaigns.models import CampaignBatch

    campaign = CampaignFactory(code="DBL-1", team=team, owner=marketer)
    start = campaign.start_date
    sign_in(page, marketer, next_path="/campaigns/")
    bar = page.get_by_test_id("bulk-bar")
    bar.get_by_label("Action").select_option("shift_dates")
    page.get_by_label("Select DBL-1").check()
    bar.get_by_label("Shift by days").fill("7")
    bar.get_by_role("button", name="Apply").dblclick()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("1 campaign changed")
    assert CampaignBatch.objects.count() == 1
    assert (Campaign.objects.get(code="DBL-1").start_date - start).days == 7
