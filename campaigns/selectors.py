"""Reads that are more than a queryset: calendar events, the board, history, the timeline."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaigns.choices import (
    DEFAULT_CHANNELS,
    TEAM_PALETTE,
    ActivityType,
    CalendarColourBy,
    CalendarEventKind,
    CampaignStatus,
)
from campaigns.models import KPI, Activity, Campaign, Channel, Task
from mrm.bounds import check_dates, clamp_date, date_in_window, day_after, parse_id

MAX_CALENDAR_DAYS = 400


def _parse_day(value: str, name: str) -> dt.date:
    value = (value or "").strip()
    if not value:
        raise ValidationError({name: _("This parameter is required (a date like 2026-11-01).")})
    try:
        day = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+")).date()
    except ValueError:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            raise ValidationError({name: _("Enter a valid date like 2026-11-01.")}) from None
    check_dates(**{name: day})  # within the accepted window (mrm/bounds.py)
    return day


def _ints(values) -> list[int]:
    result = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if parse_id(part) is None:  # ASCII digits within a bigint (mrm/bounds.py)
                raise ValidationError(_("“%(value)s” is not a valid id.") % {"value": part})
            result.append(parse_id(part))
    return result


def _choices(values, allowed, name) -> list[str]:
    result = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if part not in allowed:
                raise ValidationError({name: _("“%(value)s” is not one of the choices.") % {"value": part}})
            result.append(part)
    return result


@dataclass
class CalendarQuery:
    """A window of the calendar and its filters (the same for the API, ICS and the page)."""

    start: dt.date
    end: dt.date
    team: list[int] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    color_by: str = CalendarColourBy.CHANNEL

    @classmethod
    def from_params(
        cls,
        params,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        max_days: int | None = MAX_CALENDAR_DAYS,
    ) -> CalendarQuery:
        """Read ``start``, ``end`` and the filters from a QueryDict or a dict of lists; 400 on bad input."""

        def getlist(name):
            if hasattr(params, "getlist"):
                return params.getlist(name)
            value = params.get(name, [])
            return value if isinstance(value, (list, tuple)) else [value]

        start = start or _parse_day(params.get("start", ""), "start")
        end = end or _parse_day(params.get("end", ""), "end")
        if end < start:
            raise ValidationError({"end": _("The end must not be before the start.")})
        if max_days is not None and (end - start).days > max_days:
            raise ValidationError({"end": _("Ask for at most %(days)s days at a time.") % {"days": max_days}})
        color_by = (params.get("color_by") or CalendarColourBy.CHANNEL) if hasattr(params, "get") else "channel"
        if isinstance(color_by, list):
            color_by = color_by[0] if color_by else CalendarColourBy.CHANNEL
        if color_by not in CalendarColourBy.values:
            raise ValidationError({"color_by": _("Colour by channel or team.")})
        return cls(
            start=start,
            end=end,
            team=_ints(getlist("team")),
            channel=_ints(getlist("channel")),
            type=_choices(getlist("type"), ActivityType.values, "type"),
            status=_choices(getlist("status"), CampaignStatus.values, "status"),
            kind=_choices(getlist("kind"), CalendarEventKind.values, "kind"),
            color_by=color_by,
        )

    def wants(self, kind: str) -> bool:
        if self.kind and kind not in self.kind:
            return False
        # Campaign spans have no activity type: a type filter means activities only.
        return not (kind == CalendarEventKind.CAMPAIGN and self.type)


def team_colour(team_id: int) -> str:
    """A team's colour on the calendar (the same on every page and in the legend)."""
    return TEAM_PALETTE[team_id % len(TEAM_PALETTE)]


def _iso(value) -> str:
    return value.isoformat()


def calendar_activities(user, query: CalendarQuery):
    """The activities of the window the user may see, filtered (the API and the ICS feeds)."""
    activities = Activity.objects.visible_to(user).overlapping(query.start, query.end)
    if query.team:
        activities = activities.filter(campaign__team_id__in=query.team)
    if query.channel:
        activities = activities.filter(channel_id__in=query.channel)
    if query.type:
        activities = activities.filter(type__in=query.type)
    if query.status:
        activities = activities.filter(campaign__status__in=query.status)
    return activities.order_by("start_date", "start_time", "pk")


def calendar_campaigns(user, query: CalendarQuery):
    """The campaign spans of the window the user may see, filtered (the API and the ICS feeds)."""
    campaigns = Campaign.objects.visible_to(user).overlapping(query.start, query.end)
    if query.team:
        campaigns = campaigns.filter(team_id__in=query.team)
    if query.channel:
        # EXISTS rather than a join: one row per campaign without DISTINCT
        through = Campaign.channels.through.objects.filter(campaign_id=OuterRef("pk"), channel_id__in=query.channel)
        campaigns = campaigns.filter(Exists(through))
    if query.status:
        campaigns = campaigns.filter(status__in=query.status)
    return campaigns.order_by("start_date", "pk")


class TooManyEvents(ValidationError):
    """More events in the window than the calendar shows at once: the reader narrows the filter."""

    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(
            _(
                "This view holds %(count)s events, more than the calendar shows at once (%(limit)s). "
                "Narrow the filter: a team, a channel, a type or a shorter period."
            )
            % {"count": count, "limit": limit},
            code="too_many_events",
        )


def calendar_event_limit() -> int:
    return settings.MRM_CALENDAR_MAX_EVENTS


_ACTIVITY_COLUMNS = (
    "pk",
    "name",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "type",
    "location",
    "public",
    "channel_id",
    "channel__code",
    "channel__name",
    "channel__color",
    "campaign_id",
    "campaign__code",
    "campaign__name",
    "campaign__status",
    "campaign__team_id",
    "campaign__team__name",
)
_CAMPAIGN_COLUMNS = ("pk", "code", "name", "start_date", "end_date", "status", "team_id", "team__name")


def _channel_name(code: str, name: str) -> str:
    """What ``str(channel)`` says, from its columns (built-in channels translate)."""
    default = DEFAULT_CHANNELS.get(code)
    return str(default[0]) if default else name


def _detail_url(campaign_id: int) -> str:
    return reverse("campaigns:detail", args=[campaign_id])


def _aware(day: dt.date, moment: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(clamp_date(day), moment, tzinfo=zone)


def calendar_events(user, query: CalendarQuery) -> list[dict]:
    """Activities and campaign spans the user may see in the window, ready for FullCalendar.

    Read as plain rows (``values``): the calendar of a busy month is thousands
    of events, and model instances, display methods and URL reversing per row
    cost more than the query. At most ``MRM_CALENDAR_MAX_EVENTS``: past that,
    ``TooManyEvents`` asks the reader to narrow the filter rather than showing
    an arbitrary part of the month. All-day events end on the exclusive next
    day, as FullCalendar and RFC 5545 expect. Three queries whatever the number
    of events (four when there are too many: the count).
    """
    limit = calendar_event_limit()
    activities = campaigns = []
    if query.wants(CalendarEventKind.ACTIVITY):
        activities = list(calendar_activities(user, query).values(*_ACTIVITY_COLUMNS)[: limit + 1])
    if query.wants(CalendarEventKind.CAMPAIGN) and len(activities) <= limit:
        campaigns = list(calendar_campaigns(user, query).values(*_CAMPAIGN_COLUMNS)[: limit + 1 - len(activities)])
    if len(activities) + len(campaigns) > limit:
        count = 0
        if query.wants(CalendarEventKind.ACTIVITY):
            count += calendar_activities(user, query).count()
        if query.wants(CalendarEventKind.CAMPAIGN):
            count += calendar_campaigns(user, query).count()
        raise TooManyEvents(count, limit)

    # labels translated once, not per event (a lazy string is translated each time it is read)
    types = {value: str(label) for value, label in ActivityType.choices}
    statuses = {value: str(label) for value, label in CampaignStatus.choices}
    channel_names = {code: str(label) for code, (label, _colour) in DEFAULT_CHANNELS.items()}
    urls: dict[int, str] = {}
    zone = timezone.get_default_timezone()
    by_team = query.color_by == CalendarColourBy.TEAM
    events: list[dict] = []
    for row in activities:
        campaign_id = row["campaign_id"]
        url = urls.get(campaign_id) or urls.setdefault(campaign_id, _detail_url(campaign_id))
        has_channel = row["channel_id"] is not None
        all_day = row["start_time"] is None
        if all_day:
            start, end = clamp_date(row["start_date"]), day_after(row["end_date"])
        else:
            start, end = (
                _aware(row["start_date"], row["start_time"], zone),
                _aware(row["end_date"], row["end_time"], zone),
            )
        events.append(
            {
                "id": f"activity-{row['pk']}",
                "kind": CalendarEventKind.ACTIVITY.value,
                "title": row["name"],
                "start": start.isoformat(),
                "end": end.isoformat(),
                "all_day": all_day,
                "color": row["channel__color"]
                if has_channel and not by_team
                else team_colour(row["campaign__team_id"]),
                "url": f"{url}#activity-{row['pk']}",
                "type": row["type"],
                "type_label": types.get(row["type"], row["type"]),
                "status": row["campaign__status"],
                "status_label": statuses.get(row["campaign__status"], row["campaign__status"]),
                "channel": row["channel_id"],
                "channel_name": channel_names.get(row["channel__code"], row["channel__name"]) if has_channel else "",
                "team": row["campaign__team_id"],
                "team_name": row["campaign__team__name"],
                "campaign": {"id": campaign_id, "code": row["campaign__code"], "name": row["campaign__name"]},
                "location": row["location"],
                "public": row["public"],
            }
        )
    channels = _campaign_channels([row["pk"] for row in campaigns])
    campaign_label = str(CalendarEventKind.CAMPAIGN.label)
    for row in campaigns:
        own = channels.get(row["pk"], [])
        events.append(
            {
                "id": f"campaign-{row['pk']}",
                "kind": CalendarEventKind.CAMPAIGN.value,
                "title": f"{row['code']} · {row['name']}",
                "start": clamp_date(row["start_date"]).isoformat(),
                "end": day_after(row["end_date"]).isoformat(),
                "all_day": True,
                "color": own[0][2] if own and not by_team else team_colour(row["team_id"]),
                "url": urls.get(row["pk"]) or _detail_url(row["pk"]),
                "type": "",
                "type_label": campaign_label,
                "status": row["status"],
                "status_label": statuses.get(row["status"], row["status"]),
                "channel": own[0][0] if own else None,
                "channel_name": ", ".join(name for _pk, name, _color in own),
                "team": row["team_id"],
                "team_name": row["team__name"],
                "campaign": {"id": row["pk"], "code": row["code"], "name": row["name"]},
                "location": "",
                "public": False,
            }
        )
    return events


def _campaign_channels(campaign_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Each campaign's channels (id, name, colour) in the channels' order, in one query."""
    if not campaign_ids:
        return {}
    rows = (
        Campaign.channels.through.objects.filter(campaign_id__in=campaign_ids)
        .order_by("channel__name", "channel_id")
        .values_list("campaign_id", "channel_id", "channel__code", "channel__name", "channel__color")
    )
    result: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for campaign_id, channel_id, code, name, color in rows:
        result[campaign_id].append((channel_id, _channel_name(code, name), color))
    return result


MAX_UPCOMING_PUBLIC_EVENTS = 50


def public_events(start: dt.date, end: dt.date) -> list[dict]:
    """The embeddable calendar: public activities only, public fields only (PRODUCT.md §3)."""
    activities = Activity.objects.public().overlapping(start, end).order_by("start_date", "start_time", "pk")
    return _public_fields(activities)


def upcoming_public_events(today: dt.date, *, limit: int) -> list[dict]:
    """The next ``limit`` public activities not over before ``today``, however far ahead."""
    activities = Activity.objects.public().filter(end_date__gte=today).order_by("start_date", "start_time", "pk")
    return _public_fields(activities[:limit])


def upcoming_limit(params) -> int:
    """``?upcoming=N`` of the public JSON feed: 1 to MAX_UPCOMING_PUBLIC_EVENTS, and not with a window."""
    if params.get("start") or params.get("end"):
        raise ValidationError(_("Ask either for a window (start, end) or for upcoming events, not both."))
    raw = (params.get("upcoming") or "").strip()
    if not 1 <= (parse_id(raw) or 0) <= MAX_UPCOMING_PUBLIC_EVENTS:
        raise ValidationError(
            {"upcoming": _("Ask for 1 to %(max)s upcoming events.") % {"max": MAX_UPCOMING_PUBLIC_EVENTS}}
        )
    return parse_id(raw)


def public_calendar_month(today: dt.date) -> dt.date:
    """The month the public calendar opens on (its first day).

    A visitor of the corporate website comes for what is coming: this month
    while a public activity is still ahead in it (or under way), else the month
    of the next public activity — an empty month with events later would look
    like nothing is planned. With nothing ahead at all, this month.
    """
    next_start = (
        Activity.objects.public()
        .filter(end_date__gte=today)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return max(clamp_date(next_start) if next_start else today, today).replace(day=1)


#: The calendar's views as its address names them (``?view=``); FullCalendar's names are the script's business.
CALENDAR_VIEWS = ("month", "week", "list")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PUBLIC_CALENDAR_VIEWS = ("list", "month")


@dataclass(frozen=True)
class CalendarPlace:
    """Where a calendar opens: a day of the period to show and a view, read from its address.

    ``?date=2027-03-01&view=list`` is kept in the address by the page's script, so a
    bookmark, a shared link or a reload opens the same month in the same view. A value
    that is not a date in the accepted window, or not one of ``views``, is dropped
    quietly (the default: today, the first view), never an error.
    """

    date: dt.date | None
    view: str
    #: The view the address named, when valid ("" when the view is the default): what links keep.
    named_view: str = field(default="", compare=False)

    @classmethod
    def from_params(cls, params, *, views=CALENDAR_VIEWS) -> CalendarPlace:
        raw = (params.get("date") or "").strip()
        try:
            day = dt.date.fromisoformat(raw) if _ISO_DAY.fullmatch(raw) else None
        except ValueError:
            day = None
        if day is not None and not date_in_window(day):
            day = None
        view = (params.get("view") or "").strip()
        named = view if view in views else ""
        return cls(date=day, view=named or views[0], named_view=named)


def _public_fields(activities) -> list[dict]:
    return [
        {
            "id": f"activity-{activity.pk}",
            "title": activity.name,
            "start": _iso(activity.starts_at()),
            "end": _iso(activity.ends_at()),
            "all_day": activity.all_day,
            "type": activity.type,
            "type_label": str(activity.get_type_display()),
            "location": activity.location,
            "url": activity.url,
        }
        for activity in activities
    ]


# --- board and timeline --------------------------------------------------------------


BOARD_COLUMN_LIMIT = 25  # cards per column; the column says how many more the list holds


def board_columns(user, campaigns, *, limit: int | None = None) -> list[dict]:
    """Campaigns grouped by status, in lifecycle order, for the board.

    At most ``limit`` cards per column (the first by start date), with the
    column's full ``count``: a department's board of thousands of campaigns
    would take seconds and bury the cards; the column links to the list
    filtered by its status for the rest. Two queries (counts, cards) whatever
    the number of campaigns.
    """
    limit = BOARD_COLUMN_LIMIT if limit is None else limit
    counts = dict(campaigns.order_by().values_list("status").annotate(n=Count("pk")))
    rank = Window(RowNumber(), partition_by=[F("status")], order_by=[F("start_date").asc(), F("code").asc()])
    by_status = defaultdict(list)
    for campaign in campaigns.annotate(board_rank=rank).filter(board_rank__lte=limit):
        by_status[campaign.status].append(campaign)
    return [
        {"status": status, "label": label, "campaigns": by_status.get(status, []), "count": counts.get(status, 0)}
        for status, label in CampaignStatus.choices
    ]


@dataclass
class TimelineBar:
    label: str
    sublabel: str
    url: str
    x: float
    width: float
    y: int
    kind: str
    status: str
    status_label: str
    start: dt.date
    end: dt.date
    #: For a task: the titles of the tasks it comes after ("after X" in the label and the table).
    after: tuple[str, ...] = ()
    pk: int | None = None


def _linked_tasks(campaign_ids: list[int], start: dt.date, end: dt.date) -> tuple[dict, list]:
    """The dated tasks in the window that depend on another or that another depends on, per campaign, and the links.

    Two queries whatever the number of campaigns: the links, then the tasks they name.
    """
    links = list(
        Task.depends_on.through.objects.filter(from_task__campaign_id__in=campaign_ids).values_list(
            "from_task_id", "to_task_id"
        )
    )
    if not links:
        return {}, []
    ids = {pk for link in links for pk in link}
    tasks = Task.objects.filter(pk__in=ids, due_date__range=(start, end)).order_by("due_date", "pk")
    per_campaign = defaultdict(list)
    for task in tasks.only("pk", "campaign_id", "title", "due_date", "done"):
        per_campaign[task.campaign_id].append(task)
    return per_campaign, links


def timeline(user, campaigns, start: dt.date, end: dt.date, *, width: int = 1000, row: int = 28) -> dict:
    """A Gantt-like chart: one bar per campaign, its activities below it, drawn as SVG.

    Coordinates are computed here so the template only places rectangles (no
    inline styles: the CSP forbids them).
    """
    days = (end - start).days + 1
    scale = width / days
    campaigns = list(campaigns)
    activities = (
        Activity.objects.filter(campaign__in=[c.pk for c in campaigns])
        .overlapping(start, end)
        .order_by("start_date", "pk")
    )
    per_campaign = defaultdict(list)
    for activity in activities:
        per_campaign[activity.campaign_id].append(activity)
    tasks_of_campaign, links = _linked_tasks([c.pk for c in campaigns], start, end)
    titles = {task.pk: task.title for tasks in tasks_of_campaign.values() for task in tasks}
    after: dict[int, list[int]] = defaultdict(list)
    for task_id, before_id in links:
        after[task_id].append(before_id)

    def span(first: dt.date, last: dt.date) -> tuple[float, float]:
        first, last = max(first, start), min(last, end)
        x = (first - start).days * scale
        return round(x, 1), round(max(((last - first).days + 1) * scale, 3), 1)

    bars: list[TimelineBar] = []
    y = 0
    for campaign in campaigns:
        x, w = span(campaign.start_date, campaign.end_date)
        bars.append(
            TimelineBar(
                label=f"{campaign.code} · {campaign.name}",
                sublabel=campaign.team.name,
                url=campaign.get_absolute_url(),
                x=x,
                width=w,
                y=y,
                kind="campaign",
                status=campaign.status,
                status_label=str(campaign.get_status_display()),
                start=campaign.start_date,
                end=campaign.end_date,
            )
        )
        y += row
        for activity in per_campaign.get(campaign.pk, []):
            x, w = span(activity.start_date, activity.end_date)
            bars.append(
                TimelineBar(
                    label=activity.name,
                    sublabel=str(activity.get_type_display()),
                    url=activity.get_absolute_url(),
                    x=x,
                    width=w,
                    y=y,
                    kind="activity",
                    status=activity.status,
                    status_label=str(activity.get_status_display()),
                    start=activity.start_date,
                    end=activity.end_date,
                )
            )
            y += row
        # Tasks that wait for another (or that another waits for): a mark on the due date, arrows between them.
        for task in tasks_of_campaign.get(campaign.pk, []):
            x, w = span(task.due_date, task.due_date)
            before = tuple(titles.get(pk) or "…" for pk in sorted(after.get(task.pk, [])))
            bars.append(
                TimelineBar(
                    label=task.title,
                    sublabel=_("after %(tasks)s") % {"tasks": ", ".join(before)} if before else _("Task"),
                    url=f"{campaign.get_absolute_url()}#task-{task.pk}",
                    x=x,
                    width=w,
                    y=y,
                    kind="task",
                    status="done" if task.done else "open",
                    status_label=str(_("Done") if task.done else pgettext("task status", "Open")),
                    start=task.due_date,
                    end=task.due_date,
                    after=before,
                    pk=task.pk,
                )
            )
            y += row
    where = {bar.pk: bar for bar in bars if bar.kind == "task"}
    arrows = [
        {
            "x1": round(where[before].x + where[before].width, 1),
            "y1": where[before].y + 11,
            "x2": where[task].x,
            "y2": where[task].y + 11,
            "label": f"{where[before].label} → {where[task].label}",
        }
        for task, before in links
        if task in where and before in where
    ]
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        if cursor >= start:
            months.append({"x": round((cursor - start).days * scale, 1), "label": cursor})
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    today = dt.date.today()
    return {
        "bars": bars,
        "arrows": arrows,
        "months": months,
        "width": width,
        "height": max(y, row) + 4,
        "row": row,
        "today_x": round((today - start).days * scale, 1) if start <= today <= end else None,
        "start": start,
        "end": end,
    }


# --- my tasks -------------------------------------------------------------------------


def tasks_of(user, *, include_done: bool = False):
    """The tasks assigned to ``user`` on campaigns they may read: overdue first, then by due date, undated last."""
    from django.db.models import Case, IntegerField, Value, When

    today = timezone.localdate()
    tasks = Task.objects.visible_to(user).filter(assignee=user)
    if not include_done:
        tasks = tasks.filter(done=False)
    return (
        tasks.select_related("campaign", "activity", "assignee")
        .prefetch_related("checklist", "depends_on")
        .annotate(
            urgency=Case(
                When(done=False, due_date__lt=today, then=Value(0)),
                When(done=False, due_date__isnull=False, then=Value(1)),
                When(done=False, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "due_date", "pk")
    )


# --- the campaign page ---------------------------------------------------------------


def campaign_page_data(campaign: Campaign) -> dict:
    """Everything the campaign page lists, each in one query."""
    activities = list(campaign.activities.select_related("channel", "owner").order_by("start_date", "start_time"))
    tasks = list(
        Task.objects.filter(campaign=campaign)
        .select_related("assignee", "activity")
        .prefetch_related("checklist", "depends_on")
    )
    kpis = list(KPI.objects.filter(campaign=campaign))
    transitions = list(campaign.transitions.select_related("by"))
    comments = campaign_comments(campaign, activities, tasks)
    history = campaign_history(campaign)
    # The timeline of the campaign: what changed and what was said, newest first (comments change nothing).
    history += [
        {
            "at": comment.created_at,
            "user": comment.author,
            "kind": _("Comment"),
            "object": comment.about,
            "action": _("commented"),
            "changes": [],
            "reason": comment.body if len(comment.body) <= 200 else comment.body[:199] + "…",
        }
        for comment in comments
    ]
    history.sort(key=lambda entry: entry["at"], reverse=True)
    return {
        "activities": activities,
        "tasks": tasks,
        "kpis": kpis,
        "transitions": transitions,
        "comments": comments,
        "history": history,
    }


def campaign_comments(campaign: Campaign, activities, tasks) -> list:
    """The discussion of the campaign and of its activities and tasks, oldest first, in one query.

    Whoever reads the campaign reads its activities and tasks, so the page's own
    scoping covers their comments too. Each comment says what it is about (``about``).
    """
    from comments.models import Comment

    names = {("campaign", campaign.pk): campaign.name}
    names |= {("activity", a.pk): a.name for a in activities}
    names |= {("task", t.pk): t.title for t in tasks}
    comments = list(
        Comment.objects.filter(
            Q(target_type="campaign", target_id=campaign.pk)
            | Q(target_type="activity", target_id__in=[a.pk for a in activities])
            | Q(target_type="task", target_id__in=[t.pk for t in tasks])
        )
        .select_related("author")
        .order_by("created_at", "pk")
    )
    for comment in comments:
        comment.about = names.get((comment.target_type, comment.target_id), "")
        comment.about_campaign = comment.target_type == "campaign"
    return comments


def _diff(previous, current, fields) -> list[dict]:
    changes = []
    for name, verbose, choices in fields:
        before, after = getattr(previous, name, None), getattr(current, name, None)
        if before != after:
            changes.append({"field": verbose, "old": choices.get(before, before), "new": choices.get(after, after)})
    return changes


def _channels_diff(previous, current, verbose) -> list[dict]:
    """A change of the campaign's channels, as two readable lists."""
    if previous is None or previous.channel_ids == current.channel_ids:
        return []
    return [
        {
            "field": verbose,
            "old": _name_list(previous.channel_ids, previous.channel_names),
            "new": _name_list(current.channel_ids, current.channel_names),
        }
    ]


def _name_list(ids, names) -> str | None:
    # A channel deleted since keeps its place in the record under its old id.
    return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in ids)) if ids else None


def _readable(changes: list[dict], related: dict) -> None:
    """Ids of people, teams, channels, campaigns and activities become their names; yes/no for flags."""
    for change in changes:
        lookup = related.get(change["field"])
        for key in ("old", "new"):
            value = change[key]
            if isinstance(value, bool):
                change[key] = _("yes") if value else _("no")
            elif lookup is not None and value is not None:
                model, names = lookup
                change[key] = names.get(value, _("%(model)s #%(id)s") % {"model": model, "id": value})


def _related_names(model, ids) -> dict:
    if not ids:
        return {}
    objects = model._default_manager.filter(pk__in=ids)
    return {obj.pk: getattr(obj, "full_name", None) or str(obj) for obj in objects}


def _channel_history_rows():
    """The recorded channel sets of campaign history records (django-simple-history's m2m table)."""
    from django.apps import apps

    return apps.get_model("campaigns", "HistoricalCampaign_channels").objects


def campaign_history(campaign: Campaign, limit: int = 100) -> list[dict]:
    """Who changed what and when: the campaign, its activities, tasks and KPIs (PRODUCT.md §8 audit).

    Diffs are computed in memory from each object's ordered history, so the
    page costs the same few queries however long the history is: one per
    kind of object, one for the campaign's channels over time, and one per
    kind of related object (people, teams...) whose change is on record,
    shown by name rather than by id.
    """
    channel_names = {channel.pk: str(channel) for channel in Channel.objects.all()}
    channels_by_record = defaultdict(set)
    for history_id, channel_id in (
        _channel_history_rows().filter(history__id=campaign.pk).values_list("history_id", "channel_id")
    ):
        channels_by_record[history_id].add(channel_id)
    sources = [
        (Campaign.history.filter(id=campaign.pk), Campaign, _("Campaign")),
        (Activity.history.filter(campaign_id=campaign.pk), Activity, _("Activity")),
        (Task.history.filter(campaign_id=campaign.pk), Task, _("Task")),
        (KPI.history.filter(campaign_id=campaign.pk), KPI, _("KPI")),
    ]
    entries = []
    wanted: dict[type, set] = defaultdict(set)
    for records, model, kind in sources:
        fields = [
            (f.attname, str(f.verbose_name), dict(f.flatchoices) if f.choices else {})
            for f in model._meta.concrete_fields
            if f.name not in {"id", "campaign", "created_at", "updated_at", "created_by", "done_at"}
        ]
        foreign = {
            str(f.verbose_name): f.related_model
            for f in model._meta.concrete_fields
            if f.many_to_one and f.name not in {"campaign", "created_by"}
        }
        previous_by_object = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            if model is Campaign:
                record.channel_ids = frozenset(channels_by_record.get(record.history_id, ()))
                record.channel_names = channel_names
            previous = previous_by_object.get(record.id)
            changes = _diff(previous, record, fields) if record.history_type == "~" and previous is not None else []
            if model is Campaign and record.history_type == "~":
                changes += _channels_diff(previous, record, str(Campaign._meta.get_field("channels").verbose_name))
            previous_by_object[record.id] = record
            if record.history_type == "~" and previous is not None and not changes:
                continue
            for change in changes:
                if change["field"] in foreign:
                    wanted[foreign[change["field"]]].update(
                        v for v in (change["old"], change["new"]) if v is not None and not isinstance(v, bool)
                    )
            entries.append(
                {
                    "at": record.history_date,
                    "user": record.history_user,
                    "kind": kind,
                    "object": str(getattr(record, "name", None) or getattr(record, "title", None) or record.id),
                    "action": {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type],
                    "changes": changes,
                    "reason": record.history_change_reason or "",
                    "foreign": foreign,
                }
            )
    names = {model: _related_names(model, ids) for model, ids in wanted.items()}
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    entries = entries[:limit]
    for entry in entries:
        foreign = entry.pop("foreign")
        related = {field: (str(model._meta.verbose_name), names.get(model, {})) for field, model in foreign.items()}
        _readable(entry["changes"], related)
    return entries
