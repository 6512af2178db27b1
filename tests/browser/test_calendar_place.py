"""The calendar keeps its place in the address (issue 19 item 3): the month shown and the view.

A reload, a bookmark or a shared link opens the same month in the same view; a bad
date or view falls back to today's month view without an error. The ``page``
fixture audits every load with axe.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.choices import ActivityType
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.campaigns.factories import ActivityFactory, CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

THIS_MONTH = dt.date.today().replace(day=1)
NEXT_MONTH = (THIS_MONTH + dt.timedelta(days=32)).replace(day=1)
LATER = dt.date(THIS_MONTH.year + 1, 3, 1)


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


@pytest.fixture
def events(marketer, team):
    for day, name in ((THIS_MONTH, "This month's fair"), (NEXT_MONTH, "Next month's fair"), (LATER, "Spring expo")):
        campaign = CampaignFactory(
            name=f"Push {day}", team=team, owner=marketer, start_date=day, end_date=day + dt.timedelta(days=20)
        )
        on = day + dt.timedelta(days=9)
        ActivityFactory(campaign=campaign, name=name, type=ActivityType.EVENT, start_date=on, end_date=on)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def title(month: dt.date) -> re.Pattern:
    return re.compile(f"{month:%B} {month.year}")


def test_a_reload_opens_the_month_and_view_left_and_the_filters_stay(page, live_server, marketer, events):
    sign_in_by_cookie(page, live_server, marketer)
    calendar = page.get_by_test_id("calendar")
    page.goto(f"{live_server.url}{reverse('campaigns:calendar')}?type=event")
    expect(calendar.get_by_text("This month's fair")).to_be_visible()
    # a fresh calendar leaves the address as it came (a bookmark of it stays "this month")
    assert "date" not in query(page) and "view" not in query(page)
    # when the next month is shown in the list view
    calendar.locator(".fc-next-button").click()
    calendar.get_by_role("button", name="List").click()
    expect(calendar.get_by_text("Next month's fair")).to_be_visible()
    # then the address says so, next to the filter
    expect(page).to_have_url(re.compile("view=list"))
    assert query(page)["date"] == [NEXT_MONTH.isoformat()]
    assert query(page)["type"] == ["event"]
    # and "Clear all" would keep the place, and "save as a feed" the filter
    clear = page.get_by_role("link", name="Clear all")
    expect(clear).to_have_attribute("href", f"{reverse('campaigns:calendar')}?date={NEXT_MONTH}&view=list")
    feeds = page.get_by_role("link", name="calendar feed", exact=True)
    expect(feeds).to_have_attribute("href", re.compile(r"type=event"))
    # when the page is reloaded
    page.reload()
    # then the same month shows, in the list view, with the same filter
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(title(NEXT_MONTH))
    expect(calendar.locator(".fc-listMonth-button")).to_have_attribute("aria-pressed", "true")
    expect(calendar.get_by_text("Next month's fair")).to_be_visible()
    assert query(page)["type"] == ["event"]
    # when another page is opened and the browser goes back, the same month and view are there
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    page.go_back()
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(title(NEXT_MONTH))
    expect(calendar.locator(".fc-listMonth-button")).to_have_attribute("aria-pressed", "true")
    assert query(page)["date"] == [NEXT_MONTH.isoformat()]
    # when the week view is chosen and the filter cleared, the place stays
    calendar.get_by_role("button", name="Week").click()
    expect(page).to_have_url(re.compile("view=week"))
    page.get_by_role("link", name="Clear all").click()
    expect(calendar.locator(".fc-timeGridWeek-button")).to_have_attribute("aria-pressed", "true")
    assert "type" not in query(page)


def test_a_shared_link_opens_its_month_and_view(page, live_server, marketer, events):
    sign_in_by_cookie(page, live_server, marketer)
    calendar = page.get_by_test_id("calendar")
    page.goto(f"{live_server.url}{reverse('campaigns:calendar')}?date={LATER}&view=list")
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(title(LATER))
    expect(calendar.locator(".fc-listMonth-button")).to_have_attribute("aria-pressed", "true")
    expect(calendar.get_by_text("Spring expo")).to_be_visible()
    # "Today" leads back, and the address follows
    calendar.get_by_role("button", name="Today").click()
    expect(calendar.get_by_text("This month's fair")).to_be_visible()
    expect(page).to_have_url(re.compile(f"date={THIS_MONTH}"))


@pytest.mark.parametrize(
    ("place", "view"),
    [
        ("date=2026-02-30&view=year", "dayGridMonth"),
        ("date=soon", "dayGridMonth"),
        ("date=1999-01-01&view=list", "listMonth"),
    ],
)
def test_a_bad_place_falls_back_to_todays_month_without_an_error(page, live_server, marketer, events, place, view):
    sign_in_by_cookie(page, live_server, marketer)
    calendar = page.get_by_test_id("calendar")
    page.goto(f"{live_server.url}{reverse('campaigns:calendar')}?{place}&type=event")
    expect(calendar.get_by_text("This month's fair")).to_be_visible()
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(title(THIS_MONTH))
    expect(calendar.locator(f".fc-{view}-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#calendar-error")).to_be_hidden()
    # what was refused leaves the address; what was good (a view, the filter) stays
    assert "date" not in query(page)
    assert query(page).get("view", []) == (["list"] if view == "listMonth" else [])
    assert query(page)["type"] == ["event"]


def test_the_public_calendar_opens_on_the_month_and_view_its_link_names(page, live_server):
    page.goto(f"{live_server.url}{reverse('campaigns:embed')}?date={LATER}&view=month")
    calendar = page.get_by_test_id("public-calendar")
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(title(LATER))
    expect(calendar.locator(".fc-dayGridMonth-button")).to_have_attribute("aria-pressed", "true")
    # its address is left as it came: inside another site's iframe nobody sees it
    assert query(page) == {"date": [LATER.isoformat()], "view": ["month"]}
