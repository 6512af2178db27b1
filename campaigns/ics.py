"""iCalendar (RFC 5545) feeds for Outlook, Google and Apple calendars.

A feed shows what its owner may see (``visible_to``), filtered by the saved
filter, from 90 days back to a year ahead. UIDs are stable
(``activity-<id>@<host of MRM_BASE_URL>``, whatever address the app used) so
calendar apps update events instead of duplicating them; links back to MRM
come from the request the app made.

Times are what every client reads alike: all-day activities and campaign
spans are DATE values; timed activities are UTC (``DTSTART:20261025T083000Z``)
— the organisation's wall time (``MRM_TIME_ZONE``) converted with the real
zone rules here, once. A ``TZID`` with a VTIMEZONE leaves that conversion to
each client: icalendar's VTIMEZONE (RDATEs 1970–2038) was read an hour off by
vobject, and a repeated hour at the autumn change is resolved differently by
different parsers. Calendar apps show UTC times in their user's own zone.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from campaigns.choices import ActivityStatus, CalendarEventKind, CampaignStatus
from campaigns.selectors import CalendarQuery, calendar_activities, calendar_campaigns
from mrm.bounds import clamp_date, day_after

PAST_DAYS = 90
FUTURE_DAYS = 365


def feed_query(feed, today: dt.date | None = None) -> CalendarQuery:
    today = today or timezone.localdate()
    return CalendarQuery.from_params(
        dict(feed.filters or {}),
        start=today - dt.timedelta(days=PAST_DAYS),
        end=today + dt.timedelta(days=FUTURE_DAYS),
        max_days=None,
    )


def _instant(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """A timed start/end as a UTC instant; a date (all-day) stays a date."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value


def feed_calendar(feed, *, base_url: str) -> bytes:
    """The feed as iCalendar bytes; ``base_url`` is the address its links point to (from the request)."""
    host = urlsplit(settings.MRM_BASE_URL).hostname or "mrm"
    try:
        query = feed_query(feed)
    except ValidationError:
        # A saved filter that no longer makes sense shows nothing rather than more.
        query = None
    calendar = Calendar()
    calendar.add("prodid", "-//MRM//Marketing calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"MRM · {feed.name}")
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    owner = feed.owner
    if query is None:
        return calendar.to_ical()
    if query.wants(CalendarEventKind.ACTIVITY):
        for activity in calendar_activities(owner, query).select_related("campaign__team"):
            event = Event()
            event.add("uid", f"activity-{activity.pk}@{host}")
            event.add("dtstamp", activity.updated_at)
            event.add("last-modified", activity.updated_at)
            event.add("dtstart", _instant(activity.starts_at()))
            event.add("dtend", _instant(activity.ends_at()))
            event.add("summary", activity.name)
            campaign = activity.campaign
            lines = [f"{campaign.code} · {campaign.name}", f"{_('Type')}: {activity.get_type_display()}"]
            if activity.description:
                lines.append(activity.description)
            event.add("description", "\n".join(lines))
            if activity.location:
                event.add("location", activity.location)
            event.add("url", base_url + activity.get_absolute_url())
            event.add("categories", [str(activity.get_type_display()), campaign.team.name])
            cancelled = activity.status == ActivityStatus.CANCELLED or campaign.status == CampaignStatus.CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            event.add("transp", "TRANSPARENT" if activity.all_day else "OPAQUE")
            calendar.add_component(event)
    if query.wants(CalendarEventKind.CAMPAIGN):
        for campaign in calendar_campaigns(owner, query).select_related("team"):
            event = Event()
            event.add("uid", f"campaign-{campaign.pk}@{host}")
            event.add("dtstamp", campaign.updated_at)
            event.add("last-modified", campaign.updated_at)
            event.add("dtstart", clamp_date(campaign.start_date))
            event.add("dtend", day_after(campaign.end_date))
            event.add("summary", f"{campaign.code} · {campaign.name}")
            event.add("description", f"{_('Campaign')} · {campaign.get_status_display()} · {campaign.team.name}")
            event.add("url", base_url + campaign.get_absolute_url())
            event.add("categories", [str(_("Campaign")), campaign.team.name])
            event.add("status", "CANCELLED" if campaign.status == CampaignStatus.CANCELLED else "CONFIRMED")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
