"""Journey (issue 18 item 2): a marketer clones last year's campaign, saves it as a template and starts another from the gallery."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, CampaignTemplate
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_YEAR = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def test_clone_last_years_campaign_then_reuse_its_plan_from_the_gallery(
    page, live_server, sign_in, marketer, team, screenshot
):
    source = CampaignFactory(
        code="EV-2026-FAIR",
        name="Spring fair",
        team=team,
        owner=marketer,
        start_date=LAST_YEAR,
        end_date=LAST_YEAR + dt.timedelta(days=20),
    )
    booth = ActivityFactory(
        campaign=source,
        name="Booth",
        start_date=LAST_YEAR + dt.timedelta(days=10),
        end_date=LAST_YEAR + dt.timedelta(days=12),
    )
    TaskFactory(campaign=source, activity=booth, title="Order the booth", due_date=LAST_YEAR + dt.timedelta(days=2))
    sign_in(page, marketer, next_path=source.get_absolute_url())

    # the marketer clones last year's fair to next spring
    page.get_by_role("link", name="Clone").click()
    expect(page.get_by_label(re.compile(r"^\s*Name\b"))).to_have_value("Spring fair (copy)")
    page.get_by_label(re.compile(r"^\s*Name\b")).fill("Spring fair 2027")
    page.get_by_label("Start date").fill("2027-03-01")
    screenshot(page, "campaign_clone")
    page.get_by_role("button", name="Create the clone").click()
    expect(page.get_by_role("heading", name=re.compile("Spring fair 2027"))).to_be_visible()
    expect(page.get_by_text("Booth").first).to_be_visible()
    clone = Campaign.objects.get(name="Spring fair 2027")
    assert clone.activities.get().start_date == dt.date(2027, 3, 11)
    assert clone.tasks.get().due_date == dt.date(2027, 3, 3)

    # keeps the plan in the gallery
    page.get_by_role("link", name="Save as template").click()
    page.get_by_label("Template name").fill("Trade fair")
    page.get_by_label("Description").fill("Booth, leads, follow-up")
    page.get_by_role("button", name="Save the template").click()
    card = page.get_by_test_id("template-card").filter(has_text="Trade fair")
    expect(card).to_contain_text("1 activity")
    screenshot(page, "campaign_templates")

    # and starts an autumn fair from it
    card.get_by_role("link", name=re.compile("^Use")).click()
    page.get_by_label(re.compile(r"^\s*Name\b")).fill("Autumn fair")
    page.get_by_label("Start date").fill("2027-09-06")
    page.get_by_role("button", name="Create the campaign").click()
    expect(page.get_by_role("heading", name=re.compile("Autumn fair"))).to_be_visible()
    autumn = Campaign.objects.get(name="Autumn fair")
    assert autumn.end_date == dt.date(2027, 9, 26) and autumn.owner == marketer
    assert CampaignTemplate.objects.count() == 1
