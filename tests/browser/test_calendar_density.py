"""The calendar at real volume (issue 19 item 2): "+N more" in a busy day, activities before campaign spans,
and the list view listing a long campaign once with its date range."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from campaigns.choices import CampaignStatus
from tests.campaigns.factories import ActivityFactory, CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def test_a_busy_month_stays_readable_in_month_and_list_views(page, live_server, sign_in, marketer, team):
    today = dt.date.today()
    first = today.replace(day=1)
    busy_day = first + dt.timedelta(days=9)
    long_one = CampaignFactory(
        name="Month-long push",
        team=team,
        owner=marketer,
        status=CampaignStatus.ACTIVE,
        start_date=first + dt.timedelta(days=2),
        end_date=first + dt.timedelta(days=20),
    )
    for n in range(4):
        CampaignFactory(
            name=f"Other span {n}",
            team=team,
            owner=marketer,
            start_date=busy_day,
            end_date=busy_day + dt.timedelta(days=1),
        )
    ActivityFactory(campaign=long_one, name="Launch webinar", start_date=busy_day, end_date=busy_day)
    sign_in(page, marketer, next_path="/calendar/")
    calendar = page.get_by_test_id("calendar")
    # the month view caps the busy day and keeps its activity visible, campaigns behind "+N more"
    expect(calendar.locator(".fc-daygrid-more-link").first).to_be_visible()
    expect(calendar.get_by_text("Launch webinar")).to_be_visible()
    # the list view lists the long campaign once, with its range
    calendar.get_by_role("button", name="List").click()
    rows = calendar.locator(".fc-list-event:visible", has_text="Month-long push")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("–")
    # and no day heading is left without an event under it
    shows_an_event = """h => {
        for (let row = h.nextElementSibling; row && !row.classList.contains('fc-list-day'); row = row.nextElementSibling) {
            if (!row.hidden) return true;
        }
        return false;
    }"""
    headings = calendar.locator(".fc-list-day:visible").all()
    assert headings and all(heading.evaluate(shows_an_event) for heading in headings)
