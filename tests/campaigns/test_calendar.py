"""The marketing calendar: events API, ICS feeds, the embeddable public calendar (PRODUCT.md §3)."""

import datetime as dt
import re
import zoneinfo

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from icalendar import Calendar

from campaigns.choices import ActivityType, CampaignStatus
from campaigns.models import CalendarFeed, Channel
from campaigns.services import calendar_feed_create, calendar_feed_revoke
from tests.campaigns.factories import ActivityFactory, CampaignFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def calendar_data(team, other_team, marketer, sponsor):
    email = Channel.objects.get(code="email")
    events = Channel.objects.get(code="events")
    brand = CampaignFactory(
        code="CAL-1",
        name="Brand week",
        team=team,
        owner=marketer,
        sponsor=sponsor,
        status=CampaignStatus.ACTIVE,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=6),
        channels=[email],
    )
    webinar = ActivityFactory(
        campaign=brand,
        name="Launch webinar",
        type=ActivityType.WEBINAR,
        channel=email,
        public=True,
        start_date=TODAY,
        end_date=TODAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        location="Online",
        url="https://example.com/webinar",
        description="Internal notes about the budget",
    )
    expo = ActivityFactory(
        campaign=brand,
        name="Expo",
        type=ActivityType.EVENT,
        channel=events,
        public=False,
        start_date=TODAY + dt.timedelta(days=2),
        end_date=TODAY + dt.timedelta(days=4),
    )
    events_campaign = CampaignFactory(
        code="CAL-2",
        name="Events planning",
        team=other_team,
        sponsor=sponsor,
        status=CampaignStatus.DRAFT,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=3),
    )
    draft_public = ActivityFactory(
        campaign=events_campaign, name="Draft public thing", public=True, start_date=TODAY, end_date=TODAY
    )
    return {
        "brand": brand,
        "webinar": webinar,
        "expo": expo,
        "events_campaign": events_campaign,
        "draft_public": draft_public,
    }


def window(**extra):
    return {
        "start": (TODAY - dt.timedelta(days=10)).isoformat(),
        "end": (TODAY + dt.timedelta(days=20)).isoformat(),
        **extra,
    }


def test_events_are_activities_and_campaign_spans_with_exclusive_all_day_ends(api_as, marketer, calendar_data):
    events = {e["id"]: e for e in api_as(marketer).get("/api/v1/calendar/events/", window()).json()}
    webinar = events[f"activity-{calendar_data['webinar'].pk}"]
    assert webinar["all_day"] is False
    assert webinar["start"].startswith(f"{TODAY.isoformat()}T10:00:00")
    assert webinar["type"] == "webinar" and webinar["campaign"]["code"] == "CAL-1"
    assert webinar["color"] == "#206bc4"  # the e-mail channel's colour
    expo = events[f"activity-{calendar_data['expo'].pk}"]
    assert expo["all_day"] is True
    assert expo["end"] == (TODAY + dt.timedelta(days=5)).isoformat()  # exclusive end
    span = events[f"campaign-{calendar_data['brand'].pk}"]
    assert span["kind"] == "campaign" and span["end"] == (TODAY + dt.timedelta(days=7)).isoformat()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "campaign"}, {"campaign-brand", "campaign-events_campaign"}),
        ({"type": "webinar"}, {"activity-webinar"}),
        ({"status": "draft"}, {"activity-draft_public", "campaign-events_campaign"}),
        ({"channel": "events"}, {"activity-expo"}),
    ],
)
def test_events_filter_by_kind_type_status_channel(api_as, marketer, calendar_data, params, expected):
    if "channel" in params:
        params = {"channel": Channel.objects.get(code=params["channel"]).pk}
    events = api_as(marketer).get("/api/v1/calendar/events/", window(**params)).json()
    ids = {
        f"{type(obj).__name__.lower()}-{obj.pk}": f"{type(obj).__name__.lower()}-{key}"
        for key, obj in calendar_data.items()
    }
    names = {ids[e["id"]] for e in events}
    assert names == expected


def test_events_filter_by_team_and_colour_by_team(api_as, marketer, team, calendar_data):
    events = api_as(marketer).get("/api/v1/calendar/events/", window(team=team.pk, color_by="team")).json()
    assert {e["team"] for e in events} == {team.pk}
    assert len({e["color"] for e in events}) == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": "2026-01-01"},
        {"start": "yesterday", "end": "2026-01-01"},
        {"start": "2026-02-01", "end": "2026-01-01"},
        {"start": "2026-01-01", "end": "2028-01-01"},
        {"start": "2026-01-01", "end": "2026-02-01", "type": "party"},
        {"start": "2026-01-01", "end": "2026-02-01", "team": "brand"},
    ],
)
def test_bad_calendar_windows_are_a_clear_400(api_as, marketer, params):
    response = api_as(marketer).get("/api/v1/calendar/events/", params)
    assert response.status_code == 400
    assert response.json()


def test_a_window_with_more_events_than_the_cap_asks_to_narrow_the_filter(api_as, marketer, calendar_data, settings):
    """Not an arbitrary part of the month: the reader is told how many there are and to narrow the filter."""
    client = api_as(marketer)
    everything = client.get("/api/v1/calendar/events/", window()).json()
    settings.MRM_CALENDAR_MAX_EVENTS = len(everything)
    assert len(client.get("/api/v1/calendar/events/", window()).json()) == len(everything)

    settings.MRM_CALENDAR_MAX_EVENTS = len(everything) - 1
    response = client.get("/api/v1/calendar/events/", window(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_many_events"
    assert body["count"] == len(everything) and body["limit"] == len(everything) - 1
    assert "Сузьте фильтр" in body["detail"]
    # a narrower filter fits again
    narrowed = client.get("/api/v1/calendar/events/", window(kind="campaign"))
    assert narrowed.status_code == 200 and narrowed.json()


def test_campaign_spans_name_every_channel_in_order_and_take_the_first_ones_colour(api_as, marketer, calendar_data):
    brand = calendar_data["brand"]
    social = Channel.objects.get(code="social")
    brand.channels.add(social)
    events = {e["id"]: e for e in api_as(marketer).get("/api/v1/calendar/events/", window()).json()}
    span = events[f"campaign-{brand.pk}"]
    ordered = sorted(brand.channels.all(), key=lambda c: (c.name, c.pk))
    assert span["channel"] == ordered[0].pk and span["color"] == ordered[0].color
    assert span["channel_name"] == ", ".join(str(c) for c in ordered)
    assert span["url"] == brand.get_absolute_url()
    expo = events[f"activity-{calendar_data['expo'].pk}"]
    assert expo["url"] == calendar_data["expo"].get_absolute_url()
    assert expo["channel_name"] == str(calendar_data["expo"].channel)


def test_events_need_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/calendar/events/", window()).status_code == 401


def test_the_calendar_page_loads_fullcalendar_with_a_style_nonce_not_unsafe_inline(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("campaigns:calendar"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "vendor/fullcalendar/index.global.min.js" in body
    policy = response["Content-Security-Policy"]
    nonce = body.split('name="csp-nonce" content="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_calendar_page_has_a_legend_of_the_colours_it_uses(client, marketer, team, api_as, calendar_data):
    # given the calendar page
    client.force_login(marketer)
    body = client.get(reverse("campaigns:calendar")).content.decode()
    legend = body.split('data-testid="calendar-legend"')[1].split("</div>\n  </div>")[0]
    # then each channel and each team is listed with the colour its events get
    email = Channel.objects.get(code="email")
    assert f'fill="{email.color}"' in legend and str(email) in legend
    by_team = api_as(marketer).get("/api/v1/calendar/events/", window(color_by="team", team=team.pk)).json()
    assert f'fill="{by_team[0]["color"]}"' in legend.split('data-legend="team"')[1] and team.name in legend
    # and the team legend waits hidden until the colours are by team
    assert 'class="calendar-legend d-none" data-legend="team"' in legend


# --- ICS feeds -------------------------------------------------------------------------------


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_ics_feed_parses_back_with_stable_uids_all_day_dates_utc_times_and_links(
    client, marketer, calendar_data, settings
):
    # given a site configured at mrm.example.com, opened here as http://testserver
    settings.MRM_BASE_URL = "https://mrm.example.com"
    feed = calendar_feed_create(owner=marketer, name="Everything", filters={}, by=marketer)
    # when the calendar app reads the feed
    response = client.get(reverse("campaigns:feed_ics", args=[feed.token]))
    calendar = parse(response)
    # then the timed webinar is a UTC instant: no TZID, no VTIMEZONE left for the client to interpret
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    webinar = events[f"activity-{calendar_data['webinar'].pk}@mrm.example.com"]
    start = webinar.decoded("dtstart")
    assert start.utcoffset() == dt.timedelta(0)
    assert start == dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert "TZID" not in webinar["dtstart"].params
    assert not calendar.walk("VTIMEZONE")
    assert b"TZID" not in response.content
    assert webinar.decoded("dtend") - start == dt.timedelta(hours=1, minutes=30)
    assert str(webinar["summary"]) == "Launch webinar"
    assert str(webinar["location"]) == "Online"
    # and its link goes back to MRM at the address the app asked, not the configured one
    assert (
        str(webinar["url"])
        == f"http://testserver/campaigns/{calendar_data['brand'].pk}/#activity-{calendar_data['webinar'].pk}"
    )
    # and all-day activities stay DATE values with an exclusive end
    expo = events[f"activity-{calendar_data['expo'].pk}@mrm.example.com"]
    assert expo.decoded("dtstart") == TODAY + dt.timedelta(days=2)
    assert not isinstance(expo.decoded("dtstart"), dt.datetime)
    assert expo.decoded("dtend") == TODAY + dt.timedelta(days=5)
    assert f"campaign-{calendar_data['brand'].pk}@mrm.example.com" in events
    # and the same feed twice has the same UIDs (calendar apps update rather than duplicate)
    again = parse(client.get(reverse("campaigns:feed_ics", args=[feed.token])))
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_ics_links_follow_the_address_the_app_used_and_uids_stay_put(client, marketer, calendar_data, settings):
    # given the feed reached through the public name over HTTPS (the proxy sets X-Forwarded-Proto)
    settings.MRM_BASE_URL = "https://mrm.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "calendar.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    feed = calendar_feed_create(owner=marketer, name="Everything", filters={}, by=marketer)
    url = reverse("campaigns:feed_ics", args=[feed.token])
    # when the app reads it there
    calendar = parse(client.get(url, HTTP_HOST="calendar.example.org", HTTP_X_FORWARDED_PROTO="https"))
    # then every link points there
    links = {str(e["url"]) for e in calendar.walk("VEVENT")}
    assert links and all(link.startswith("https://calendar.example.org/campaigns/") for link in links)
    # and the UIDs are the ones the app saw from any other address
    elsewhere = parse(client.get(url))
    assert {str(e["uid"]) for e in calendar.walk("VEVENT")} == {str(e["uid"]) for e in elsewhere.walk("VEVENT")}
    assert all(str(e["uid"]).endswith("@mrm.example.com") for e in calendar.walk("VEVENT"))


def test_ics_feed_applies_its_saved_filter(client, marketer, calendar_data):
    feed = calendar_feed_create(owner=marketer, name="Webinars", filters={"type": ["webinar"]}, by=marketer)
    calendar = parse(client.get(reverse("campaigns:feed_ics", args=[feed.token])))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Launch webinar"]


def test_revoking_a_feed_makes_its_url_404(client, marketer, calendar_data):
    feed = calendar_feed_create(owner=marketer, name="Everything", filters={}, by=marketer)
    url = reverse("campaigns:feed_ics", args=[feed.token])
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200  # calendar apps may check the address first
    calendar_feed_revoke(feed=feed, by=marketer)
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
    assert client.get(reverse("campaigns:feed_ics", args=["not-a-token"])).status_code == 404


def test_a_deactivated_owners_feed_is_404(client, marketer):
    feed = calendar_feed_create(owner=marketer, name="x", filters={}, by=marketer)
    marketer.is_active = False
    marketer.save()
    assert client.get(reverse("campaigns:feed_ics", args=[feed.token])).status_code == 404


def test_feeds_page_creates_lists_and_revokes_only_ones_own(client, marketer, other_team_marketer):
    client.force_login(marketer)
    response = client.post(reverse("campaigns:feeds"), {"name": "Brand events", "type": ["event"]})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(owner=marketer)
    assert feed.filters == {"type": ["event"]}
    assert feed.token in client.get(reverse("campaigns:feeds")).content.decode()
    # someone else cannot revoke it (404: it is not theirs to know about)
    client.force_login(other_team_marketer)
    assert client.post(reverse("campaigns:feed_revoke", args=[feed.pk])).status_code == 404
    assert feed.token not in client.get(reverse("campaigns:feeds")).content.decode()
    client.force_login(marketer)
    client.post(reverse("campaigns:feed_revoke", args=[feed.pk]))
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None


def test_a_feed_needs_a_name(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("campaigns:feeds"), {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not CalendarFeed.objects.exists()


# --- the same instants for every client ------------------------------------------------------


def clock_changes(zone: str, start: dt.date, days: int) -> list[dt.date]:
    """The days in [start, start + days) on which the zone's clocks change."""
    tz = zoneinfo.ZoneInfo(zone)

    def noon_offset(day):
        return dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset()

    return [
        start + dt.timedelta(days=n)
        for n in range(1, days)
        if noon_offset(start + dt.timedelta(days=n)) != noon_offset(start + dt.timedelta(days=n - 1))
    ]


def wall_time(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    """The instant of a wall time in the zone as RFC 5545 defines it: a time in the spring gap
    takes the offset before the gap, a repeated autumn time its first occurrence."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


def read_with_icalendar(body: bytes) -> dict[str, tuple]:
    return {str(e["uid"]): (e.decoded("dtstart"), e.decoded("dtend")) for e in Calendar.from_ical(body).walk("VEVENT")}


def read_with_vobject(body: bytes) -> dict[str, tuple]:
    calendar = vobject.readOne(body.decode())
    return {e.uid.value: (e.dtstart.value, e.dtend.value) for e in calendar.vevent_list}


FEED_DAY = dt.date(2027, 1, 10)  # a year of feed ahead holds one spring and one autumn change


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/Berlin", "America/New_York"])
def test_two_independent_parsers_read_the_same_instants_from_the_feed(client, marketer, team, sponsor, settings, zone):
    # given an organisation in a zone, and activities around the year: ordinary days, and on each
    # day its clocks change, one in the spring gap or the repeated autumn hour, one across the change
    settings.TIME_ZONE = zone
    campaign = CampaignFactory(
        team=team,
        owner=marketer,
        sponsor=sponsor,
        status=CampaignStatus.ACTIVE,
        start_date=FEED_DAY,
        end_date=FEED_DAY + dt.timedelta(days=330),
    )
    days = [FEED_DAY + dt.timedelta(days=n) for n in (1, 100, 200)]
    changes = clock_changes(zone, FEED_DAY, 330)
    assert len(changes) == (0 if zone == "Europe/Moscow" else 2), changes
    expected = {}
    for day in days + changes:
        for start, end_day, end in [
            (dt.time(2, 30), day, dt.time(3, 45)),
            (dt.time(1, 0), day, dt.time(4, 0)),
            (dt.time(10, 0), day, dt.time(11, 30)),
            (dt.time(22, 0), day + dt.timedelta(days=1), dt.time(1, 0)),
        ]:
            activity = ActivityFactory(
                campaign=campaign, start_date=day, end_date=end_day, start_time=start, end_time=end
            )
            expected[activity.pk] = (wall_time(day, start, zone), wall_time(end_day, end, zone))
    for day in changes or days[:1]:
        activity = ActivityFactory(campaign=campaign, start_date=day, end_date=day + dt.timedelta(days=2))
        expected[activity.pk] = (day, day + dt.timedelta(days=3))
    feed = calendar_feed_create(owner=marketer, name="Everything", filters={}, by=marketer)
    # when icalendar and vobject each read the feed
    with freeze_time(dt.datetime.combine(FEED_DAY, dt.time(12), tzinfo=dt.UTC)):
        body = client.get(reverse("campaigns:feed_ics", args=[feed.token])).content
    by_icalendar = read_with_icalendar(body)
    by_vobject = read_with_vobject(body)
    # then both read every event, timed or all-day, as the same instants: the organisation's wall times
    assert set(by_icalendar) == set(by_vobject)
    assert len(by_icalendar) == len(expected) + 1  # and the campaign span
    for pk, (start, end) in expected.items():
        uid = next(uid for uid in by_icalendar if uid.startswith(f"activity-{pk}@"))
        assert by_icalendar[uid] == by_vobject[uid] == (start, end), uid
        for value in (*by_icalendar[uid], *by_vobject[uid]):
            assert type(value) is type(start)  # a date stays a date, an instant stays an instant
    span = next(uid for uid in by_icalendar if uid.startswith("campaign-"))
    assert by_icalendar[span] == by_vobject[span] == (FEED_DAY, FEED_DAY + dt.timedelta(days=331))


# --- the embeddable public calendar -----------------------------------------------------------


def test_embed_feed_shows_only_public_activities_of_committed_campaigns_and_only_public_fields(client, calendar_data):
    events = client.get(reverse("campaigns:embed_events"), window()).json()
    assert [e["title"] for e in events] == ["Launch webinar"]  # not the private expo, not the draft's
    assert set(events[0]) == {"id", "title", "start", "end", "all_day", "type", "type_label", "location", "url"}
    assert "budget" not in str(events)  # the internal description stays inside
    assert events[0]["url"] == "https://example.com/webinar"


def test_embed_feed_rejects_bad_windows(client):
    assert client.get(reverse("campaigns:embed_events"), {"start": "soon", "end": "later"}).status_code == 400


def test_the_embed_page_may_be_framed_only_by_the_allow_list(client, settings):
    settings.MRM_EMBED_FRAME_ANCESTORS = ["https://www.example.com", "https://intranet.example.com"]
    response = client.get(reverse("campaigns:embed"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://www.example.com https://intranet.example.com" in policy
    assert "X-Frame-Options" not in response
    assert "unsafe-inline" not in policy


def test_every_other_page_keeps_refusing_to_be_framed(client, marketer, settings):
    settings.MRM_EMBED_FRAME_ANCESTORS = ["https://www.example.com"]
    client.force_login(marketer)
    for url in [reverse("campaigns:list"), reverse("campaigns:calendar"), reverse("campaigns:board")]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_an_empty_allow_list_lets_nobody_frame_it(client, settings):
    settings.MRM_EMBED_FRAME_ANCESTORS = []
    assert "frame-ancestors 'none'" in client.get(reverse("campaigns:embed"))["Content-Security-Policy"]


def test_the_embed_snippet_page_is_for_admins(client, admin_user, marketer, settings):
    settings.MRM_EMBED_FRAME_ANCESTORS = ["https://www.example.com"]
    client.force_login(marketer)
    assert client.get(reverse("campaigns:embed_snippet")).status_code == 403
    client.force_login(admin_user)
    body = client.get(reverse("campaigns:embed_snippet")).content.decode()
    assert (
        "&lt;iframe src=&quot;http://testserver/calendar/embed/&quot;" in body
        or 'iframe src="http://testserver/calendar/embed/"' in body
        or '&lt;iframe src="http://testserver/calendar/embed/"' in body
    )
    assert "https://www.example.com" in body


# --- the public calendar opens where the next public events are ------------------------------


def first_of_month(day: dt.date, months_ahead: int = 0) -> dt.date:
    month = day.month - 1 + months_ahead
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def embed_opening_month(client) -> str:
    body = client.get(reverse("campaigns:embed")).content.decode()
    return body.split('data-initial-date="')[1].split('"')[0]


@pytest.fixture
def today():
    """The organisation's today, as the public calendar counts it."""
    return timezone.localdate()


@pytest.fixture
def committed_campaign(team, marketer, sponsor, today):
    return CampaignFactory(
        team=team,
        owner=marketer,
        sponsor=sponsor,
        status=CampaignStatus.PLANNED,
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=400),
    )


def test_the_public_calendar_opens_on_the_month_of_the_next_public_event_when_this_month_has_none(
    client, today, committed_campaign, other_team_confidential_campaign
):
    # given nothing public ahead this month: a public event that is over, a private one and a
    # confidential one next month, and the next public one in two months
    later = first_of_month(today, 2) + dt.timedelta(days=9)
    ActivityFactory(
        campaign=committed_campaign,
        name="Fair, already over",
        public=True,
        start_date=today - dt.timedelta(days=40),
        end_date=today - dt.timedelta(days=40),
    )
    ActivityFactory(
        campaign=committed_campaign,
        name="Internal offsite",
        public=False,
        start_date=first_of_month(today, 1),
        end_date=first_of_month(today, 1),
    )
    other_team_confidential_campaign.activities.update(
        start_date=first_of_month(today, 1), end_date=first_of_month(today, 1)
    )
    ActivityFactory(
        campaign=committed_campaign, name="Autumn conference", public=True, start_date=later, end_date=later
    )
    # when a visitor opens the public calendar
    # then it opens on the conference's month
    assert embed_opening_month(client) == later.replace(day=1).isoformat()
    # and the JSON feed, asked for that month as the calendar asks, lists the conference
    month = {"start": later.replace(day=1).isoformat(), "end": first_of_month(later, 1).isoformat()}
    assert [e["title"] for e in client.get(reverse("campaigns:embed_events"), month).json()] == ["Autumn conference"]


def test_the_public_calendar_stays_on_this_month_while_something_public_is_ahead_or_under_way(
    client, today, committed_campaign
):
    # given a public exhibition that started last month and runs until tomorrow, and one next month
    ActivityFactory(
        campaign=committed_campaign,
        public=True,
        start_date=today - dt.timedelta(days=35),
        end_date=today + dt.timedelta(days=1),
    )
    ActivityFactory(
        campaign=committed_campaign, public=True, start_date=first_of_month(today, 1), end_date=first_of_month(today, 1)
    )
    # then the calendar opens on this month
    assert embed_opening_month(client) == first_of_month(today).isoformat()


def test_the_public_calendar_stays_on_this_month_when_nothing_public_is_planned(client, today, committed_campaign):
    ActivityFactory(
        campaign=committed_campaign,
        public=False,
        start_date=first_of_month(today, 3),
        end_date=first_of_month(today, 3),
    )
    assert embed_opening_month(client) == first_of_month(today).isoformat()


def test_the_embed_feed_lists_the_next_public_events_however_far_ahead(client, today, committed_campaign):
    # given public events far ahead (beyond the default half-year window), a past and a private one
    far = today + dt.timedelta(days=250)
    ActivityFactory(
        campaign=committed_campaign,
        name="Gone",
        public=True,
        start_date=today - dt.timedelta(days=3),
        end_date=today - dt.timedelta(days=3),
    )
    ActivityFactory(campaign=committed_campaign, name="Private", public=False, start_date=far, end_date=far)
    ActivityFactory(
        campaign=committed_campaign,
        name="Summit day 2",
        public=True,
        start_date=far,
        end_date=far,
        start_time=dt.time(14),
        end_time=dt.time(16),
    )
    ActivityFactory(
        campaign=committed_campaign,
        name="Summit day 1",
        public=True,
        start_date=far,
        end_date=far,
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    ActivityFactory(
        campaign=committed_campaign,
        name="Meetup",
        public=True,
        start_date=far + dt.timedelta(days=30),
        end_date=far + dt.timedelta(days=30),
    )
    # when the website asks for the next two
    response = client.get(reverse("campaigns:embed_events"), {"upcoming": "2"})
    # then it gets them in order, with public fields only, readable by any site
    assert response.status_code == 200
    events = response.json()
    assert [e["title"] for e in events] == ["Summit day 1", "Summit day 2"]
    assert set(events[0]) == {"id", "title", "start", "end", "all_day", "type", "type_label", "location", "url"}
    assert events[0]["start"].startswith(f"{far.isoformat()}T09:00:00")
    assert response["Access-Control-Allow-Origin"] == "*"
    # and the default window alone would not have shown them
    assert [e["title"] for e in client.get(reverse("campaigns:embed_events")).json()] == ["Gone"]


@pytest.mark.parametrize(
    "params",
    [
        {"upcoming": "0"},
        {"upcoming": "51"},
        {"upcoming": "many"},
        {"upcoming": ""},
        {"upcoming": "5", "start": "2026-01-01", "end": "2026-02-01"},
    ],
)
def test_the_embed_feed_refuses_bad_upcoming_requests_clearly(client, params):
    response = client.get(reverse("campaigns:embed_events"), params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_embed_reads_its_feed_at_the_address_the_visitor_used(client, settings):
    # given the public calendar opened at its public name over HTTPS (through the proxy)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mrm.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.MRM_BASE_URL = "http://127.0.0.1:8000"
    body = client.get(reverse("campaigns:embed"), HTTP_HOST="mrm.example.com", HTTP_X_FORWARDED_PROTO="https").content
    # then its events come from that address, not the configured default
    assert 'data-events-url="https://mrm.example.com/calendar/embed/events.json"' in body.decode()


def test_the_embed_feed_explains_a_bad_request_in_the_visitors_language(client):
    with translation.override(translation.get_language()):  # the request's Russian stays with the request
        response = client.get(reverse("campaigns:embed_events"), {"upcoming": "0"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["detail"] == ["Можно запросить от 1 до 50 ближайших событий."]


# --- the place in the address (?date=&view=) --------------------------------------------------


@pytest.mark.parametrize(
    ("params", "date", "view"),
    [
        ({"date": "2027-03-01", "view": "list"}, dt.date(2027, 3, 1), "list"),
        ({"date": "2027-03-17", "view": "week"}, dt.date(2027, 3, 17), "week"),
        ({}, None, "month"),
        ({"date": "2027-02-30", "view": "year"}, None, "month"),
        ({"date": "soon"}, None, "month"),
        ({"date": "1999-12-01"}, None, "month"),  # outside the accepted window (mrm/bounds.py)
        ({"date": "2027-W09-1"}, None, "month"),  # an ISO week date: not what the page writes
        ({"date": "２０２７-03-01"}, None, "month"),
    ],
)
def test_a_calendars_place_is_read_from_its_address_and_a_bad_one_is_dropped(params, date, view):
    from campaigns.selectors import CalendarPlace

    assert CalendarPlace.from_params(params) == CalendarPlace(date=date, view=view)


def test_the_calendar_page_opens_where_its_address_says(client, marketer):
    client.force_login(marketer)
    page = client.get(reverse("campaigns:calendar"), {"date": "2027-03-01", "view": "list", "type": "event"})
    body = page.content.decode()
    assert 'data-initial-date="2027-03-01" data-initial-view="list"' in body
    # "Clear all" drops the filters but keeps the place
    assert 'href="/calendar/?date=2027-03-01&amp;view=list" data-filter-clear' in body
    # a bad place is no error: today's month view
    body = client.get(reverse("campaigns:calendar"), {"date": "later", "view": "year"}).content.decode()
    assert 'data-initial-date="" data-initial-view="month"' in body
    assert 'href="/calendar/" data-filter-clear' in body


def test_the_public_calendar_opens_on_a_month_and_view_its_address_names(client):
    body = client.get(reverse("campaigns:embed"), {"date": "2027-05-01", "view": "month"}).content.decode()
    assert 'data-initial-date="2027-05-01" data-initial-view="month"' in body
    # the week view is not offered on the public calendar: its list view instead
    assert 'data-initial-view="list"' in client.get(reverse("campaigns:embed"), {"view": "week"}).content.decode()


def test_a_new_feed_starts_from_the_filters_the_calendar_links_with(client, marketer, team):
    client.force_login(marketer)
    page = client.get(
        reverse("campaigns:feeds"), {"type": ["event", "webinar"], "team": [team.pk, "x"], "kind": "activity"}
    )
    form = page.context["form"]
    assert not form.is_bound
    body = page.content.decode()
    assert 'value="event" selected' in body and 'value="webinar" selected' in body
    assert f'value="{team.pk}" selected' in body
    assert re.search(r'value="activity"\s+id="id_kind_0" checked', body)
    assert not re.search(r'value="campaign"\s+id="id_kind_1" checked', body)
