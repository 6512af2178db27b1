"""Journeys: a marketer plans, launches and finds a campaign; the public calendar lives in another site's iframe."""

import datetime as dt
import http.server
import re

import pytest
from playwright.sync_api import expect

from campaigns.choices import ActivityType, CampaignStatus
from campaigns.models import Activity, Campaign
from tests.campaigns.factories import ActivityFactory, CampaignFactory
from tests.factories import UserFactory
from tests.support.filters import choose, pick
from tests.support.servers import http_server

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    """The migration's channels, also after an earlier transactional test flushed the database."""
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def collect_csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def test_marketer_creates_a_campaign_with_an_activity_launches_it_on_the_board_and_finds_it_on_the_calendar(
    page, live_server, sign_in, marketer, screenshot
):
    sponsor = UserFactory(username="olga", display_name="Olga Sponsor", roles=["approver"])
    csp_errors = collect_csp_errors(page)
    sign_in(page, marketer, next_path="/campaigns/")
    # given the campaign list
    expect(page.get_by_role("heading", name="Campaigns", exact=True)).to_be_visible()
    page.get_by_role("link", name="New campaign").click()
    # when the marketer fills in the form
    page.get_by_label(re.compile(r"^\s*Name\b")).fill("Winter webinar push")
    choose(page, "Sponsor", "Olga Sponsor")
    page.get_by_label("Start date").fill(TODAY.isoformat())
    page.get_by_label("End date").fill((TODAY + dt.timedelta(days=10)).isoformat())
    page.get_by_label("Planned cost").fill("0")
    page.get_by_label("E-mail").check()
    screenshot(page, "campaign_form")
    page.get_by_role("button", name="Create campaign").click()
    # then the campaign page greets them as a draft
    expect(page.get_by_role("heading", level=1)).to_contain_text("Winter webinar push")
    expect(page.get_by_test_id("campaign-status")).to_have_text("Draft")
    campaign = Campaign.objects.get(name="Winter webinar push")
    assert campaign.sponsor == sponsor

    # when they add an activity
    page.get_by_role("link", name="Add activity").click()
    page.get_by_label(re.compile(r"^\s*Name\b")).fill("Webinar: winter trends")
    page.get_by_label("Type").select_option(ActivityType.WEBINAR.value)
    page.get_by_label("Start date").fill(TODAY.isoformat())
    page.get_by_label("End date").fill(TODAY.isoformat())
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_role("button", name="Save").click()
    # then it is listed on the campaign page
    expect(page.get_by_test_id("activity")).to_contain_text("Webinar: winter trends")
    screenshot(page, "campaign_detail")

    # when they move it through the board: draft → planned → active
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name="Board", exact=True).click()
    card = page.get_by_test_id(f"card-{campaign.pk}")
    # a card shows the campaign at a glance (owner, dates); its moves are behind "Move"
    expect(card.get_by_test_id("card-owner")).to_have_text(marketer.full_name)
    expect(page.get_by_test_id(f"move-{campaign.pk}-planned")).to_be_hidden()
    card.locator("summary").click()
    page.get_by_test_id(f"move-{campaign.pk}-planned").click()
    expect(page.get_by_test_id("column-planned").get_by_test_id(f"card-{campaign.pk}")).to_be_visible()
    page.get_by_test_id(f"card-{campaign.pk}").locator("summary").click()
    page.get_by_test_id(f"transition-form-{campaign.pk}").get_by_label("Note for the move").fill("Speakers confirmed")
    page.get_by_test_id(f"move-{campaign.pk}-active").click()
    # then the card is in the Active column, and the move is on record
    expect(page.get_by_test_id("column-active").get_by_test_id(f"card-{campaign.pk}")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.transitions.first().note == "Speakers confirmed"

    # when they open the calendar
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Calendar", exact=True).click()
    # then the activity and the campaign are there
    calendar = page.get_by_test_id("calendar")
    expect(calendar.get_by_text("Webinar: winter trends")).to_be_visible()
    expect(calendar.get_by_text("Winter webinar push").first).to_be_visible()
    screenshot(page, "calendar")
    # and filtering by another activity type hides it
    pick(page, "Activity type", ActivityType.EVENT.label)
    expect(calendar.get_by_text("Webinar: winter trends")).to_have_count(0)
    # and colouring by team swaps the legend
    legend = page.get_by_test_id("calendar-legend")
    expect(legend.get_by_text("Colours by channel:")).to_be_visible()
    page.get_by_label("Colour by").select_option("team")
    expect(legend.get_by_text("Colours by team:")).to_be_visible()
    expect(legend.get_by_text("Colours by channel:")).to_be_hidden()
    assert csp_errors == [], csp_errors


def test_a_month_too_busy_for_the_calendar_asks_to_narrow_the_filter_and_a_narrower_one_shows(
    page, live_server, sign_in, marketer, team, settings
):
    # given a month with more events than the calendar shows at once
    settings.MRM_CALENDAR_MAX_EVENTS = 3
    campaign = CampaignFactory(
        name="Busy month", team=team, owner=marketer, start_date=TODAY, end_date=TODAY + dt.timedelta(days=1)
    )
    for number in range(3):
        ActivityFactory(
            campaign=campaign,
            name=f"Busy activity {number}",
            type=ActivityType.EVENT,
            start_date=TODAY,
            end_date=TODAY,
        )
    sign_in(page, marketer, next_path="/calendar/")
    # then the calendar says how many there are and asks to narrow the filter, instead of a part of them
    error = page.locator("#calendar-error")
    expect(error).to_contain_text("This view holds 4 events")
    expect(error).to_contain_text("Narrow the filter")
    expect(page.get_by_test_id("calendar").get_by_text("Busy activity 0")).to_have_count(0)
    # when they narrow it to activities of one type
    pick(page, "Activity type", ActivityType.EVENT.label)
    # then the events show and the message is gone
    expect(page.get_by_test_id("calendar").get_by_text("Busy activity 0")).to_be_visible()
    expect(error).to_be_hidden()


def test_timeline_shows_the_campaign_and_its_activities(page, live_server, sign_in, marketer, team, screenshot):
    campaign = CampaignFactory(
        name="Spring fair",
        team=team,
        owner=marketer,
        status=CampaignStatus.PLANNED,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=20),
    )
    ActivityFactory(
        campaign=campaign,
        name="Fair booth",
        start_date=TODAY + dt.timedelta(days=3),
        end_date=TODAY + dt.timedelta(days=5),
    )
    sign_in(page, marketer, next_path="/campaigns/timeline/")
    chart = page.get_by_test_id("timeline")
    expect(chart).to_be_visible()
    expect(page.get_by_role("cell", name="Spring fair")).to_be_visible()
    expect(page.get_by_role("cell", name="Fair booth")).to_be_visible()
    assert page.locator("rect.timeline-bar-campaign").count() >= 1


@pytest.fixture
def other_origin(live_server):
    """A second web server on another port: the "corporate website" that frames the calendar."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http_server(Handler) as url:
        yield url, pages


def host_page(src: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><title>Corporate site</title></head><body>"
        "<h1>Our events</h1>"
        f"<iframe id='mrm' title='Marketing events' src='{src}' width='900' height='700'></iframe>"
        "</body></html>"
    )


def test_the_public_calendar_renders_inside_an_iframe_of_an_allowed_site(
    page, live_server, team, settings, other_origin, screenshot
):
    origin, pages = other_origin
    settings.MRM_EMBED_FRAME_ANCESTORS = [origin]
    campaign = CampaignFactory(
        team=team, status=CampaignStatus.ACTIVE, start_date=TODAY, end_date=TODAY + dt.timedelta(days=10)
    )
    ActivityFactory(
        campaign=campaign, name="Open house", public=True, start_date=TODAY, end_date=TODAY, location="Head office"
    )
    ActivityFactory(campaign=campaign, name="Internal budget review", public=False, start_date=TODAY, end_date=TODAY)
    pages["/events.html"] = host_page(f"{live_server.url}/calendar/embed/")
    csp_errors = collect_csp_errors(page)
    # when the corporate site's page is opened
    page.goto(f"{origin}/events.html")
    frame = page.frame_locator("#mrm")
    # then the public activity shows inside the frame, and the private one does not
    expect(frame.get_by_test_id("public-calendar").get_by_text("Open house")).to_be_visible()
    expect(frame.get_by_text("Internal budget review")).to_have_count(0)
    screenshot(page, "calendar_embed")
    assert csp_errors == [], csp_errors
    assert Activity.objects.public().count() == 1


def test_the_public_calendar_opens_where_the_next_public_event_is(page, live_server, team, settings, other_origin):
    # given a corporate site framing the calendar, nothing public this month, a conference in two months
    origin, pages = other_origin
    settings.MRM_EMBED_FRAME_ANCESTORS = [origin]
    month = TODAY.month + 1  # two months ahead, counted from 0
    later = dt.date(TODAY.year + month // 12, month % 12 + 1, 12)
    campaign = CampaignFactory(
        team=team, status=CampaignStatus.PLANNED, start_date=TODAY, end_date=later + dt.timedelta(days=10)
    )
    ActivityFactory(campaign=campaign, name="Partner conference", public=True, start_date=later, end_date=later)
    ActivityFactory(campaign=campaign, name="Team offsite", public=False, start_date=TODAY, end_date=TODAY)
    pages["/events.html"] = host_page(f"{live_server.url}/calendar/embed/")
    # when a visitor opens the site's events page
    page.goto(f"{origin}/events.html")
    calendar = page.frame_locator("#mrm").get_by_test_id("public-calendar")
    # then the calendar shows the conference's month, with the conference, not an empty month
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(later.strftime("%B %Y"))
    expect(calendar.get_by_text("Partner conference")).to_be_visible()
    # and "Today" still leads back to this month, where nothing public is planned
    calendar.get_by_role("button", name="Today").click()
    expect(calendar.locator(".fc-toolbar-title")).to_have_text(TODAY.strftime("%B %Y"))
    expect(calendar.get_by_text("Partner conference")).to_have_count(0)
    expect(calendar.get_by_text("Team offsite")).to_have_count(0)


def test_a_site_not_on_the_allow_list_cannot_frame_it(page, live_server, team, settings, other_origin):
    origin, pages = other_origin
    settings.MRM_EMBED_FRAME_ANCESTORS = ["https://www.example.com"]
    campaign = CampaignFactory(team=team, status=CampaignStatus.ACTIVE, start_date=TODAY, end_date=TODAY)
    ActivityFactory(campaign=campaign, name="Open house", public=True, start_date=TODAY, end_date=TODAY)
    pages["/events.html"] = host_page(f"{live_server.url}/calendar/embed/")
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "frame-ancestors" in message.text else None)
    page.goto(f"{origin}/events.html")
    page.wait_for_timeout(1500)
    expect(page.frame_locator("#mrm").get_by_text("Open house")).to_have_count(0)
    assert blocked, "Chromium reports the frame-ancestors refusal"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_campaign_page_reads_well_in_both_languages(page, live_server, sign_in, password, language, screenshot):
    """With the demo data, each page renders (and passes the axe audit of the page fixture)."""
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = User.objects.get(username="admin")
    admin.language = language
    admin.set_password(password)  # the sign-in fixture's password, not the demo one
    admin.save()
    secret = Campaign.objects.get(code="DEMO-11")
    sign_in(page, admin, next_path="/campaigns/")
    for path in [
        "/campaigns/",
        "/campaigns/?status=active&ordering=-start_date",
        f"/campaigns/{secret.pk}/",
        f"/campaigns/{secret.pk}/edit/",
        "/campaigns/board/",
        "/campaigns/timeline/",
        "/calendar/",
        "/calendar/feeds/",
        "/calendar/embed/snippet/",
        "/calendar/embed/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language, path
    if language == "en":
        page.goto(f"{live_server.url}/campaigns/")
        screenshot(page, "campaign_list")
        page.goto(f"{live_server.url}/calendar/feeds/")
        screenshot(page, "calendar_feeds")
        page.goto(f"{live_server.url}/campaigns/board/")
        screenshot(page, "board")
        page.goto(f"{live_server.url}/campaigns/timeline/")
        screenshot(page, "timeline")
    else:
        page.goto(f"{live_server.url}/campaigns/{secret.pk}/")
        expect(page.get_by_role("heading", name="История")).to_be_visible()
