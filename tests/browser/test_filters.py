"""The filter bar (issue 19.3): searchable multi-selects with chips, "Clear all", the state in the URL.

docs/DESIGN.md, "Filter bar". The ``page`` fixture audits every page load with
axe; the tests also audit the bar with a list open, at 390, 768 and 1280 px.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.choices import ActivityType, CampaignStatus
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.campaigns.factories import ActivityFactory, CampaignFactory
from tests.support.axe import assert_accessible
from tests.support.filters import chips, filter_box, open_filter, pick, unpick
from tests.support.layout import overflow
from tests.support.network import settle

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.fixture
def campaigns(marketer, team):
    return {
        status: CampaignFactory(name=f"{status.label} fair", team=team, owner=marketer, status=status)
        for status in (CampaignStatus.DRAFT, CampaignStatus.PLANNED, CampaignStatus.ACTIVE)
    }


def test_two_statuses_picked_by_typing_show_as_chips_narrow_the_list_survive_a_reload_and_clear(
    page, live_server, marketer, campaigns, screenshot
):
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    results = page.locator("#campaign-results")
    expect(results.get_by_text("Draft fair")).to_be_visible()
    # when the marketer types in the Status filter, its list narrows to what matches
    open_filter(page, "Status").press_sequentially("pla")
    expect(page.get_by_role("listbox", name="Status", exact=True).get_by_role("option")).to_have_text(["Planned"])
    filter_box(page, "Status").press("Escape")
    # when the marketer types to find two statuses and picks them
    pick(page, "Status", "Planned", "Active")
    # then each shows as a chip, and the list narrows to them
    expect(chips(page, "Status")).to_have_text([re.compile("Planned"), re.compile("Active")])
    expect(results.get_by_text("Draft fair")).to_have_count(0)
    expect(results.get_by_text("Planned fair")).to_be_visible()
    expect(results.get_by_text("Active fair")).to_be_visible()
    # and the address holds the filter, so the view can be bookmarked and shared
    expect(page).to_have_url(re.compile(r"status=planned"))
    assert sorted(query(page)["status"]) == ["active", "planned"]
    screenshot(page, "campaigns-filter-bar")
    # when the address is opened again
    page.goto(page.url)
    # then the filters are restored
    expect(chips(page, "Status")).to_have_count(2)
    expect(results.get_by_text("Draft fair")).to_have_count(0)
    expect(results.get_by_text("Active fair")).to_be_visible()
    # when a chip is removed with its button
    unpick(page, "Status", "Active")
    expect(chips(page, "Status")).to_have_count(1)
    expect(results.get_by_text("Active fair")).to_have_count(0)
    # when "Clear all" is followed
    page.get_by_role("link", name="Clear all").click()
    # then no chip is left, every campaign is back, and the address holds no filter
    expect(chips(page, "Status")).to_have_count(0)
    expect(results.get_by_text("Draft fair")).to_be_visible()
    expect(results.get_by_text("Active fair")).to_be_visible()
    assert "status" not in query(page)


def test_typing_what_no_choice_holds_says_so(page, live_server, marketer, campaigns):
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    box = filter_box(page, "Status")
    expect(box).to_have_attribute("placeholder", "Type to search")
    open_filter(page, "Status")
    box.press_sequentially("zzz")
    expect(page.get_by_role("listbox", name="Status", exact=True)).to_contain_text("No matches")


@pytest.fixture
def calendar_events(marketer, team):
    campaign = CampaignFactory(
        name="Autumn push", team=team, owner=marketer, start_date=TODAY, end_date=TODAY + dt.timedelta(days=1)
    )
    ActivityFactory(campaign=campaign, name="Expo booth", type=ActivityType.EVENT, start_date=TODAY, end_date=TODAY)
    ActivityFactory(
        campaign=campaign, name="Expert webinar", type=ActivityType.WEBINAR, start_date=TODAY, end_date=TODAY
    )
    ActivityFactory(campaign=campaign, name="Launch mail", type=ActivityType.EMAIL, start_date=TODAY, end_date=TODAY)
    return campaign


def test_the_calendar_keeps_its_filters_in_the_address_and_restores_them_from_it(
    page, live_server, marketer, calendar_events, screenshot
):
    sign_in_by_cookie(page, live_server, marketer)
    calendar = page.get_by_test_id("calendar")
    # given a shared address that filters the calendar to events and webinars
    page.goto(f"{live_server.url}{reverse('campaigns:calendar')}?type=event&type=webinar")
    # then the filter shows them as chips, and only they are on the calendar
    expect(chips(page, "Activity type")).to_have_text([re.compile("Event"), re.compile("Webinar")])
    expect(calendar.get_by_text("Expo booth")).to_be_visible()
    expect(calendar.get_by_text("Expert webinar")).to_be_visible()
    expect(calendar.get_by_text("Launch mail")).to_have_count(0)
    # when a type is removed and another added by typing
    unpick(page, "Activity type", "Webinar")
    pick(page, "Activity type", "E-mail", typed=2)
    expect(calendar.get_by_text("Expert webinar")).to_have_count(0)
    expect(calendar.get_by_text("Launch mail")).to_be_visible()
    # and the calendar is coloured by team, and shows activities only
    page.get_by_label("Colour by").select_option("team")
    page.get_by_label("Campaign", exact=True).uncheck()
    # then the address follows, without a reload
    expect(page).to_have_url(re.compile(r"color_by=team"))
    assert sorted(query(page)["type"]) == ["email", "event"]
    assert query(page)["kind"] == ["activity"]
    screenshot(page, "calendar-filter-bar")
    # when the address is opened again (a bookmark)
    page.goto(page.url)
    # then the same filters are back, and the calendar shows what they select
    expect(chips(page, "Activity type")).to_have_text([re.compile("Event"), re.compile("E-mail")])
    expect(page.get_by_label("Colour by")).to_have_value("team")
    expect(page.get_by_label("Campaign", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Activity", exact=True)).to_be_checked()
    expect(calendar.get_by_text("Launch mail")).to_be_visible()
    expect(calendar.get_by_text("Expert webinar")).to_have_count(0)
    # when "Clear all" is followed, every event is back
    page.get_by_role("link", name="Clear all").click()
    expect(calendar.get_by_text("Expert webinar")).to_be_visible()
    expect(chips(page, "Activity type")).to_have_count(0)
    expect(page.get_by_label("Campaign", exact=True)).to_be_checked()


def test_without_javascript_the_native_filters_still_filter(browser, live_server, marketer, campaigns):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    page.get_by_label("Status", exact=True).select_option(["planned", "active"])
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Draft fair")).to_have_count(0)
    expect(page.get_by_text("Planned fair")).to_be_visible()
    assert sorted(query(page)["status"]) == ["active", "planned"]
    context.close()


FILTERED_PAGES = [
    ("campaigns:list", "?status=planned&status=active&team={team}&channel={channel}", "Status"),
    ("campaigns:board", "?status=planned&team={team}", "Status"),
    ("campaigns:timeline", "?status=planned&status=active&team={team}", "Status"),
    ("campaigns:calendar", "?type=event&type=webinar&status=planned&team={team}&channel={channel}", "Activity type"),
    ("materials:list", "?kind=pdf&status=draft", "Kind"),
    ("changes:list", "?status=open", "Status"),
]


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_every_filter_bar_fits_the_screen_and_passes_axe_with_a_list_open(
    page, live_server, marketer, team, campaigns, width
):
    from campaigns.models import Channel

    channel = Channel.objects.filter(is_active=True).first()
    sign_in_by_cookie(page, live_server, marketer)
    page.set_viewport_size({"width": width, "height": 844})
    for name, params, label in FILTERED_PAGES:
        page.goto(f"{live_server.url}{reverse(name)}{params.format(team=team.pk, channel=channel.pk)}")
        settle(page)
        expect(chips(page, label).first).to_be_visible()  # the URL's filters are chips
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, overflow(page, width))
        # the widget with its list open is accessible too
        open_filter(page, label)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, overflow(page, width))
        assert_accessible(page)
        filter_box(page, label).press("Escape")


def test_back_to_a_filtered_list_shows_its_chips_and_the_filter_still_works(page, live_server, marketer, campaigns):
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    results = page.locator("#campaign-results")
    pick(page, "Status", "Planned")
    expect(results.get_by_text("Draft fair")).to_have_count(0)
    # when the marketer opens a campaign and comes back (htmx restores the list from its history)
    results.get_by_role("link", name="Planned fair").click()
    expect(page.get_by_role("heading", name=re.compile("Planned fair"))).to_be_visible()
    page.go_back()
    # then the chip is there once, and the box still filters
    expect(chips(page, "Status")).to_have_count(1)
    expect(page.locator(".ts-wrapper.multi")).to_have_count(3)
    # and each searchable single select (the Owner filter, the bulk bar's people) is drawn once too
    expect(page.locator(".ts-wrapper.single")).to_have_count(page.locator("select[data-search-select]").count())
    pick(page, "Status", "Active")
    expect(results.get_by_text("Active fair")).to_be_visible()
    expect(results.get_by_text("Draft fair")).to_have_count(0)
