"""Every write on campaigns and their parts (PRODUCT.md §3).

Views, the API, the admin's actions and the demo data all call these
functions; each checks who is acting, validates, writes inside a transaction
and records history with the acting user.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import launch_approval, permissions
from campaigns.choices import CampaignStatus
from campaigns.launch import launch_objections
from campaigns.models import (
    KPI,
    Activity,
    CalendarFeed,
    Campaign,
    CampaignTemplate,
    CampaignTransition,
    CampaignUserObjectPermission,
    Channel,
    ChecklistItem,
    Task,
)
from mrm.exceptions import StateConflict
from outbox.events import publish

CAMPAIGN_FIELDS = (
    "code",
    "name",
    "description",
    "objective",
    "team",
    "owner",
    "sponsor",
    "start_date",
    "end_date",
    "planned_cost",
    "confidential",
    "parent",
    "tags",
)


def _ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _normalise_tags(tags) -> str:
    items = tags if isinstance(tags, (list, tuple)) else (tags or "").split(",")
    seen: list[str] = []
    for item in items:
        tag = str(item).strip()
        if tag and tag not in seen:
            seen.append(tag)
    value = ", ".join(seen)
    if len(value) > 255:
        raise ValidationError({"tags": _("Too many tags: keep them under 255 characters in total.")})
    return value


def _next_code(year: int) -> str:
    prefix = f"CMP-{year}-"
    codes = Campaign.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [
        int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isascii() and code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def campaign_create(*, by, channels=(), **data) -> Campaign:
    """Create a draft campaign of one of the creator's teams (§2, §3).

    A code is generated when none is given (``CMP-<year>-<n>``); two people
    creating at once may compute the same number, so a clash is retried.
    """
    unknown = set(data) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown campaign fields: {sorted(unknown)}")
    team = data.get("team")
    _ensure(
        permissions.can_create_in_team(by, getattr(team, "pk", None)),
        _("You can only create campaigns for your own teams."),
    )
    data["tags"] = _normalise_tags(data.get("tags", ""))
    campaign = Campaign(**data, created_by=by, status=CampaignStatus.DRAFT)
    generated = not campaign.code
    campaign.full_clean(exclude=["code"] if generated else None)
    for _attempt in range(5):
        if generated:
            campaign.code = _next_code((campaign.start_date or timezone.localdate()).year)
        campaign._history_user = by
        try:
            with transaction.atomic():
                campaign.save()
            break
        except IntegrityError:
            if not generated:
                raise ValidationError({"code": _("A campaign with this code already exists.")}) from None
            campaign.pk = None
    else:  # pragma: no cover - five clashes in a row
        raise StateConflict(_("Could not generate a campaign code. Try again."))
    campaign.channels.set(channels)
    publish("campaign.created", campaign)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, channels=None, **data) -> Campaign:
    """Change a campaign's details; status moves only through ``campaign_transition``.

    A marketer cannot move a campaign to a team that is not theirs. Leaving the
    sponsor empty is refused once the campaign has left draft (§3).
    """
    unknown = set(data) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown campaign fields: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _ensure(permissions.can_edit_campaign(by, campaign), _("You cannot edit this campaign."))
    if "team" in data and data["team"].pk != campaign.team_id:
        _ensure(
            permissions.can_create_in_team(by, data["team"].pk),
            _("You can only move a campaign to one of your own teams."),
        )
    if "tags" in data:
        data["tags"] = _normalise_tags(data["tags"])
    for field, value in data.items():
        setattr(campaign, field, value)
    if not campaign.code:
        campaign.code = _next_code((campaign.start_date or timezone.localdate()).year)
    if campaign.status != CampaignStatus.DRAFT and campaign.sponsor_id is None:
        raise ValidationError({"sponsor": _("A campaign that has left draft must keep a sponsor.")})
    campaign.full_clean()
    campaign._history_user = by
    campaign.save()
    if channels is not None:
        campaign.channels.set(channels)
    return campaign


@transaction.atomic
def campaign_transition(
    *, campaign: Campaign, to_status: str, note: str = "", by, launch_approved: bool = False, system_note: str = ""
) -> Campaign:
    """Move a campaign through its lifecycle (PRODUCT.md §3), or refuse with a 409.

    Locks the row so two people moving the same campaign see each other's
    result; checks the lifecycle, the sponsor rule (required to leave draft)
    and, before going active, every registered launch guard (budgets: a
    planned cost needs an approved funding request). Records who, when, from,
    to and the note.

    Where a campaign-launch workflow is configured, a move to ``active``
    opens a launch approval request instead and leaves the status as it is
    (``campaign.launch_request`` tells the caller); the approval then calls
    back with ``launch_approved=True``, the approval being the authority.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    locked.launch_request = None
    if not launch_approved:
        _ensure(permissions.can_transition_campaign(by, locked), _("You cannot change this campaign's status."))
    if to_status not in CampaignStatus.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": to_status}})
    current = locked.status
    if to_status == current:
        raise StateConflict(
            _("The campaign is already %(status)s.") % {"status": CampaignStatus(current).label.lower()}
        )
    if to_status not in locked.lifecycle_targets():
        raise StateConflict(
            _("A campaign cannot go from %(from)s to %(to)s.")
            % {"from": CampaignStatus(current).label.lower(), "to": CampaignStatus(to_status).label.lower()}
        )
    if to_status != CampaignStatus.CANCELLED and locked.sponsor_id is None:
        raise StateConflict(_("Name a sponsor before the campaign leaves draft."))
    if to_status == CampaignStatus.ACTIVE and not launch_approved:
        waiting = launch_approval.open_launch_request_of(locked)
        if waiting is not None:
            raise StateConflict(
                _(
                    "The launch of %(code)s already waits for approval (request #%(id)s, stage “%(stage)s”): "
                    "the campaign goes active once it is approved."
                )
                % {
                    "code": locked.code,
                    "id": waiting.pk,
                    "stage": waiting.current_stage.name if waiting.current_stage else "—",
                }
            )
    if to_status == CampaignStatus.ACTIVE:
        objections = launch_objections(locked)
        if objections:
            raise StateConflict(" ".join(objections))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2000 characters.")})
    # The system's own note (an approved launch) is a message key, rendered in each reader's language.
    note = system_note or note
    if to_status == CampaignStatus.ACTIVE and not launch_approved and launch_approval.launch_approval_required():
        locked.launch_request = launch_approval.open_launch_request(campaign=locked, by=by, reason=note)
        return locked
    if to_status == CampaignStatus.ON_HOLD:
        locked.status_before_hold = current
    elif current == CampaignStatus.ON_HOLD:
        locked.status_before_hold = ""
    locked.status = to_status
    locked._history_user = by
    locked._change_reason = note[:100] if note else None
    locked.save(update_fields=["status", "status_before_hold", "updated_at"])
    CampaignTransition.objects.create(campaign=locked, from_status=current, to_status=to_status, note=note, by=by)
    publish("campaign.status_changed", locked)
    return locked


@transaction.atomic
def campaign_share(*, campaign: Campaign, user, by) -> None:
    """Let one more person see a confidential campaign (guardian object permission)."""
    _ensure(permissions.can_share_campaign(by, campaign), _("You cannot share this campaign."))
    if not user.is_active:
        raise ValidationError({"user": _("This user is not active.")})
    permission = Permission.objects.get(content_type__app_label="campaigns", codename="view_campaign")
    CampaignUserObjectPermission.objects.get_or_create(user=user, permission=permission, content_object=campaign)


@transaction.atomic
def campaign_unshare(*, campaign: Campaign, user, by) -> None:
    _ensure(permissions.can_share_campaign(by, campaign), _("You cannot share this campaign."))
    CampaignUserObjectPermission.objects.filter(
        user=user, content_object=campaign, permission__codename="view_campaign"
    ).delete()


def channels_ensure_defaults() -> None:
    """The built-in channels exist (a migration seeds them; a flushed database gets them back)."""
    from campaigns.choices import DEFAULT_CHANNELS
    from campaigns.models import Channel

    for code, (label, color) in DEFAULT_CHANNELS.items():
        Channel.objects.get_or_create(code=code, defaults={"name": str(label), "color": color})


# --- activities, tasks, KPIs --------------------------------------------------

ACTIVITY_FIELDS = (
    "name",
    "type",
    "channel",
    "description",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "owner",
    "status",
    "location",
    "url",
    "public",
)


def _ensure_editable(campaign: Campaign, by) -> None:
    _ensure(permissions.can_edit_campaign(by, campaign), _("You cannot edit this campaign."))


@transaction.atomic
def activity_create(*, campaign: Campaign, by, **data) -> Activity:
    """Add a tactic to a campaign the user may edit."""
    _ensure_editable(campaign, by)
    activity = Activity(campaign=campaign, **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS})
    activity.full_clean()
    activity._history_user = by
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, by, **data) -> Activity:
    activity = Activity.objects.select_for_update().select_related("campaign").get(pk=activity.pk)
    _ensure_editable(activity.campaign, by)
    for field, value in data.items():
        if field in ACTIVITY_FIELDS:
            setattr(activity, field, value)
    activity.full_clean()
    activity._history_user = by
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by) -> None:
    _ensure_editable(activity.campaign, by)
    activity._history_user = by
    activity.delete()


TASK_FIELDS = ("activity", "title", "assignee", "due_date", "done")


@transaction.atomic
def task_create(*, campaign: Campaign, by, **data) -> Task:
    _ensure_editable(campaign, by)
    task = Task(campaign=campaign, **{k: v for k, v in data.items() if k in TASK_FIELDS})
    if task.done:
        task.done_at = timezone.now()
    task.full_clean()
    task._history_user = by
    task.save()
    return task


@transaction.atomic
def task_update(*, task: Task, by, **data) -> Task:
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    _ensure_editable(task.campaign, by)
    was_done = task.done
    for field, value in data.items():
        if field in TASK_FIELDS:
            setattr(task, field, value)
    if task.done and not was_done:
        _ensure_prerequisites_done(task)
        task.done_at = timezone.now()
    elif not task.done:
        task.done_at = None
    task.full_clean()
    task._history_user = by
    task.save()
    return task


@transaction.atomic
def task_set_done(*, task: Task, done: bool, by) -> Task:
    """Tick a task off (or reopen it): its editors and its assignee may."""
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    _ensure(permissions.can_complete_task(by, task), _("You cannot change this task."))
    if done and not task.done:
        _ensure_prerequisites_done(task)
    task.done = done
    task.done_at = timezone.now() if done else None
    task._history_user = by
    task.save(update_fields=["done", "done_at"])
    return task


@transaction.atomic
def task_delete(*, task: Task, by) -> None:
    _ensure_editable(task.campaign, by)
    task._history_user = by
    task.delete()


# --- task dependencies and checklists (issue 18 item 6) ------------------------------------


def _ensure_prerequisites_done(task: Task) -> None:
    """A task is not done while a task it depends on is open (reopening a prerequisite later is allowed)."""
    open_ones = list(task.depends_on.filter(done=False).order_by("pk").values_list("title", flat=True))
    if open_ones:
        raise StateConflict(
            _("Finish first what this task depends on: %(tasks)s.") % {"tasks": ", ".join(f"“{t}”" for t in open_ones)}
        )


def _reaches(graph: dict[int, set[int]], start: set[int], target: int) -> bool:
    seen, stack = set(), list(start)
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return False


@transaction.atomic
def task_set_dependencies(*, task: Task, depends_on, by) -> Task:
    """Say which tasks of the same campaign must be done before ``task``; refuses a cycle.

    The campaign's row is locked first (as every write of its parts that moves dates does): two people
    linking A→B and B→A at once are served one after the other, and the second is refused as a cycle.
    """
    Campaign.objects.select_for_update().filter(pk=task.campaign_id).first()
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    _ensure_editable(task.campaign, by)
    wanted = {getattr(other, "pk", other) for other in depends_on}
    if task.pk in wanted:
        raise ValidationError({"depends_on": _("A task cannot depend on itself.")})
    found = set(Task.objects.filter(pk__in=wanted, campaign_id=task.campaign_id).values_list("pk", flat=True))
    if found != wanted:
        raise ValidationError({"depends_on": _("A task can only depend on tasks of the same campaign.")})
    links = Task.depends_on.through.objects.filter(from_task__campaign_id=task.campaign_id)
    graph: dict[int, set[int]] = {}
    # waiting task → the tasks it waits for; the task's own links are the ones being replaced
    for waiting, prerequisite in links.values_list("from_task_id", "to_task_id"):
        if waiting != task.pk:
            graph.setdefault(waiting, set()).add(prerequisite)
    # a circle: following what the new prerequisites wait for leads back to the task
    if _reaches(graph, wanted, task.pk):
        raise ValidationError({"depends_on": _("That would make a circle: a task would wait for itself.")})
    task.depends_on.set(wanted)
    return task


def _ensure_checklist_editable(task: Task, by) -> None:
    _ensure(permissions.can_edit_checklist(by, task), _("You cannot change this task's checklist."))


@transaction.atomic
def checklist_item_add(*, task: Task, text: str, by, position: int | None = None) -> ChecklistItem:
    """A step at the end of the task's checklist (or at ``position``); the task's row is locked for the number."""
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    _ensure_checklist_editable(task, by)
    if position is None:
        last = task.checklist.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    item = ChecklistItem(task=task, text=(text or "").strip(), position=position)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, by, **data) -> ChecklistItem:
    """Rename or move a step; ticking goes through :func:`checklist_item_set_done`."""
    item = ChecklistItem.objects.select_for_update().select_related("task__campaign").get(pk=item.pk)
    _ensure_checklist_editable(item.task, by)
    if "text" in data:
        item.text = (data["text"] or "").strip()
    if "position" in data:
        item.position = data["position"]
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def checklist_item_set_done(*, item: ChecklistItem, done: bool, by) -> ChecklistItem:
    """Tick a step (or untick it): who may tick the task off may; who and when are kept."""
    item = ChecklistItem.objects.select_for_update().select_related("task__campaign").get(pk=item.pk)
    _ensure(permissions.can_tick_checklist(by, item.task), _("You cannot change this task."))
    if item.done != done:
        item.done = done
        item.done_by = by if done else None
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done", "done_by", "done_at"])
    return item


@transaction.atomic
def checklist_item_delete(*, item: ChecklistItem, by) -> None:
    item = ChecklistItem.objects.select_for_update().select_related("task__campaign").get(pk=item.pk)
    _ensure_checklist_editable(item.task, by)
    item.delete()


KPI_FIELDS = ("metric", "custom_name", "target", "actual")


@transaction.atomic
def kpi_create(*, campaign: Campaign, by, **data) -> KPI:
    _ensure_editable(campaign, by)
    kpi = KPI(campaign=campaign, **{k: v for k, v in data.items() if k in KPI_FIELDS})
    kpi.full_clean()
    kpi._history_user = by
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, kpi: KPI, by, **data) -> KPI:
    kpi = KPI.objects.select_for_update().select_related("campaign").get(pk=kpi.pk)
    _ensure_editable(kpi.campaign, by)
    for field, value in data.items():
        if field in KPI_FIELDS:
            setattr(kpi, field, value)
    kpi.full_clean()
    kpi._history_user = by
    kpi.save()
    return kpi


@transaction.atomic
def kpi_delete(*, kpi: KPI, by) -> None:
    _ensure_editable(kpi.campaign, by)
    kpi._history_user = by
    kpi.delete()


# --- calendar feeds -------------------------------------------------------------

FEED_FILTER_KEYS = ("team", "channel", "type", "status", "kind")


def _clean_feed_filters(filters: dict) -> dict:
    cleaned = {}
    for key in FEED_FILTER_KEYS:
        values = filters.get(key) or []
        if not isinstance(values, (list, tuple)):
            values = [values]
        values = [str(v) for v in values if str(v).strip()]
        if values:
            cleaned[key] = values
    return cleaned


@transaction.atomic
def calendar_feed_create(*, owner, name: str, filters: dict, by) -> CalendarFeed:
    """Save a calendar filter with a fresh secret token for calendar apps."""
    _ensure(owner.pk == by.pk, _("You can only create feeds for yourself."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the feed.")})
    feed = CalendarFeed(owner=owner, name=name, filters=_clean_feed_filters(filters))
    feed.full_clean()
    feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, by) -> CalendarFeed:
    """Revoke the secret URL: from now on it answers 404 (a leaked link dies)."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    _ensure(feed.owner_id == by.pk or by.is_mrm_admin, _("You cannot revoke this feed."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last day of the quarter containing ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, next_start - timedelta(days=1)


# --- imports ----------------------------------------------------------------------


@dataclasses.dataclass
class CampaignImport:
    """One campaign of an import: a new (unsaved) or a locked existing campaign with the file's values set.

    ``channels`` is the new set (``None``: left alone); ``status`` the status
    the file gives it; ``changed`` the fields the file changes.
    """

    campaign: Campaign
    channels: list | None
    status: str
    changed: set = dataclasses.field(default_factory=set)
    parent_code: str | None = None
    #: An existing campaign as it was before the file's values were set (whose team decides who may edit it).
    original: Campaign | None = None


@transaction.atomic
def campaigns_import(*, creates: list[CampaignImport], updates: list[CampaignImport], by, note: str) -> None:
    """Write an import's campaigns in bulk: the same rules as one by one, a constant number of queries.

    Creating or editing hundreds of campaigns one service call at a time
    costs some 35 queries a campaign; a spreadsheet of a department's year
    must import in seconds. So the rules are checked in memory for every
    campaign (who may write which team's campaigns, §2; dates, amounts and
    field bounds; a campaign that left draft has a sponsor; an active one
    passes the launch guards), then the rows, their history (who, when, the
    import's note as the reason, channels included) and the imported
    statuses' transitions are written in a few multi-row statements. A new
    campaign takes the file's status directly, recorded as one transition
    from ``draft`` with the import's note; an existing
    one changes status only through ``campaign_transition`` (its lifecycle
    and guards), one call per campaign whose status the file changes.
    """
    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    now = timezone.now()
    problems = []
    for item in creates:
        campaign = item.campaign
        if not permissions.can_create_in_team(by, campaign.team_id):
            raise PermissionDenied(_("You can only create campaigns for your own teams."))
        campaign.tags = _normalise_tags(campaign.tags)
        campaign.created_by = by
        problems += _import_problems(item)
    for item in updates:
        campaign = item.campaign
        if not permissions.can_edit_campaign(by, item.original):
            raise PermissionDenied(_("You cannot edit this campaign."))
        if campaign.team_id != item.original.team_id and not permissions.can_create_in_team(by, campaign.team_id):
            raise PermissionDenied(_("You can only move a campaign to one of your own teams."))
        if "tags" in item.changed:
            campaign.tags = _normalise_tags(campaign.tags)
        if campaign.status != CampaignStatus.DRAFT and campaign.sponsor_id is None:
            problems.append(
                _("%(code)s: a campaign that has left draft must keep a sponsor.") % {"code": campaign.code}
            )
        problems += _import_problems(item, new=False)
    if problems:
        raise ValidationError(problems)

    # New campaigns, parents before their children (a level of the file's tree per statement).
    created: list[Campaign] = []
    waiting = list(creates)
    by_code = {}
    while waiting:
        ready = [i for i in waiting if not i.parent_code or i.parent_code in by_code or i.campaign.parent_id]
        if not ready:
            raise ValidationError(_("The parents of these campaigns cannot be resolved."))
        for item in ready:
            if item.parent_code and not item.campaign.parent_id:
                item.campaign.parent = by_code[item.parent_code]
            item.campaign.status = item.status
            item.campaign.status_before_hold = CampaignStatus.PLANNED if item.status == CampaignStatus.ON_HOLD else ""
            item.campaign.created_at = item.campaign.updated_at = now
        try:
            with transaction.atomic():
                Campaign.objects.bulk_create([i.campaign for i in ready])
        except IntegrityError:
            raise ValidationError(
                _("A campaign with one of these codes was created meanwhile. Upload the file again.")
            ) from None
        for item in ready:
            by_code[item.campaign.code] = item.campaign
            created.append(item.campaign)
        waiting = [i for i in waiting if i not in ready]
    history = Campaign.history.bulk_history_create(created, default_user=by, default_change_reason=note[:100])
    links = _set_channels([i for i in creates if i.channels], replace=False)
    CampaignTransition.objects.bulk_create(
        CampaignTransition(campaign=i.campaign, from_status=CampaignStatus.DRAFT, to_status=i.status, note=note, by=by)
        for i in creates
        if i.status != CampaignStatus.DRAFT
    )

    # Changed campaigns: the fields in one statement, channels replaced where the file changes them.
    if updates:
        fields = sorted({f for i in updates for f in i.changed} | {"updated_at"})
        for item in updates:
            item.campaign.updated_at = now
            if item.parent_code and not item.campaign.parent_id:
                item.campaign.parent = by_code[item.parent_code]
        Campaign.objects.bulk_update([i.campaign for i in updates], fields)
        links += _set_channels([i for i in updates if i.channels is not None], replace=True)
        links += list(
            Campaign.channels.through.objects.filter(
                campaign_id__in=[i.campaign.pk for i in updates if i.channels is None]
            )
        )
        history += Campaign.history.bulk_history_create(
            [i.campaign for i in updates], update=True, default_user=by, default_change_reason=note[:100]
        )
    _channels_history(history, links)


def _import_problems(item: CampaignImport, *, new: bool = True) -> list[str]:
    """The model's own checks, in memory (no query): field bounds, dates; the parent walk only where it changed."""
    campaign = item.campaign
    exclude = ["team", "owner", "sponsor", "parent", "created_by"]  # checked by the caller; no query per row
    try:
        campaign.clean_fields(exclude=exclude)
        if campaign.end_date < campaign.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if not new and "parent" in item.changed:
            campaign.clean()
        if new and item.status == CampaignStatus.ACTIVE:
            objections = launch_objections(campaign)
            if objections:
                raise ValidationError(objections)
        if new and item.status not in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED) and campaign.sponsor_id is None:
            raise ValidationError(_("Name a sponsor before the campaign leaves draft."))
    except ValidationError as exc:
        return [f"{campaign.code}: {message}" for message in exc.messages]
    return []


def _set_channels(items: list[CampaignImport], *, replace: bool) -> list:
    """The campaigns' channel links as the file gives them (the rows written, with their ids)."""
    through = Campaign.channels.through
    if replace and items:
        through.objects.filter(campaign_id__in=[i.campaign.pk for i in items]).delete()
    return through.objects.bulk_create(
        [through(campaign_id=i.campaign.pk, channel_id=channel.pk) for i in items for channel in i.channels]
    )


def _channels_history(history: list, links: list) -> None:
    """Each history record keeps the campaign's channels at that moment (as simple-history does one by one)."""
    m2m_history = Campaign.history.model.channels.model
    by_campaign: dict[int, list] = {}
    for link in links:
        by_campaign.setdefault(link.campaign_id, []).append(link)
    m2m_history.objects.bulk_create(
        [
            m2m_history(history=record, id=link.pk, campaign_id=link.campaign_id, channel_id=link.channel_id)
            for record in history
            for link in by_campaign.get(record.id, [])
        ]
    )


# --- clones and templates (issue 18 item 2) -------------------------------------


@transaction.atomic
def campaign_from_blueprint(*, blueprint: dict, name: str, start_date: date, team, by, reason: str) -> Campaign:
    """Lay a blueprint (``campaigns.blueprints``) out as a new draft campaign starting on ``start_date``.

    The one who starts it owns it; people who have left are not copied
    (an activity's owner, a task's assignee, the sponsor), nor are channels
    retired since. Activities, tasks and KPI targets are written in bulk with
    their history (who, when, ``reason``), so a big plan costs a few queries.
    """
    from campaigns.blueprints import shifted

    plan = blueprint["campaign"]
    people = {
        pk
        for pk in [plan.get("sponsor")]
        + [a.get("owner") for a in blueprint["activities"]]
        + [t.get("assignee") for t in blueprint["tasks"]]
        if pk
    }
    active = {user.pk: user for user in get_user_model().objects.filter(pk__in=people, is_active=True)}
    channels = set(Channel.objects.filter(is_active=True).values_list("pk", flat=True))
    parent = None
    if plan.get("parent"):
        parent = Campaign.objects.visible_to(by).filter(pk=plan["parent"]).first()
    end_date = shifted(start_date, plan["days"])
    campaign = campaign_create(
        by=by,
        channels=[pk for pk in plan["channels"] if pk in channels],
        name=name,
        description=plan["description"],
        objective=plan["objective"],
        team=team,
        owner=by,
        sponsor=active.get(plan.get("sponsor")),
        start_date=start_date,
        end_date=end_date,
        planned_cost=Decimal(plan["planned_cost"]),
        confidential=plan["confidential"],
        parent=parent,
        tags=plan["tags"],
    )
    activities = {}
    for item in blueprint["activities"]:
        activity = Activity(
            campaign=campaign,
            name=item["name"],
            type=item["type"],
            channel_id=item["channel"] if item["channel"] in channels else None,
            description=item["description"],
            start_date=shifted(start_date, item["start"]),
            end_date=shifted(start_date, item["end"]),
            start_time=item["start_time"],
            end_time=item["end_time"],
            owner_id=item["owner"] if item["owner"] in active else None,
            location=item["location"],
            url=item["url"],
            public=item["public"],
        )
        activities[item["key"]] = activity
    tasks = [
        Task(
            campaign=campaign,
            title=item["title"],
            assignee_id=item["assignee"] if item["assignee"] in active else None,
            due_date=shifted(start_date, item["due"]),
        )
        for item in blueprint["tasks"]
    ]
    kpis = [
        KPI(
            campaign=campaign,
            metric=item["metric"],
            custom_name=item["custom_name"],
            target=None if item["target"] is None else Decimal(item["target"]),
        )
        for item in blueprint["kpis"]
    ]
    _check_parts([*activities.values(), *tasks, *kpis])
    Activity.objects.bulk_create(activities.values())
    for task, item in zip(tasks, blueprint["tasks"], strict=True):
        task.activity = activities.get(item["activity"])
    Task.objects.bulk_create(tasks)
    KPI.objects.bulk_create(kpis)
    for model, rows in ((Activity, activities.values()), (Task, tasks), (KPI, kpis)):
        if rows:
            model.history.bulk_history_create(list(rows), default_user=by, default_change_reason=reason[:100])
    last = campaign.history.first()
    if last is not None:
        last.history_change_reason = reason[:100]
        last.save(update_fields=["history_change_reason"])
    return campaign


def _check_parts(parts: list) -> None:
    """The parts' own checks in memory, no query per part (their ``clean`` covers the check constraints).

    Dates outside the accepted window are reported on the start date, the one field the cloner chose.
    """
    for part in parts:
        try:
            part.full_clean(
                exclude=["campaign", "activity", "owner", "assignee", "channel"], validate_constraints=False
            )
        except ValidationError as error:
            if any(field in error.message_dict for field in ("start_date", "end_date", "due_date")):
                raise ValidationError(
                    {"start_date": _("From this start date, some of the plan's dates fall outside the accepted dates.")}
                ) from None
            raise


@transaction.atomic
def campaign_clone(*, campaign: Campaign, name: str, start_date: date, by, team=None) -> Campaign:
    """A new draft with the campaign's plan (activities, tasks, KPI targets, planned cost) moved to ``start_date``.

    Anyone who may read the campaign and create campaigns in the target team
    (the campaign's own by default) may clone it.
    """
    from campaigns.blueprints import blueprint_of

    return campaign_from_blueprint(
        blueprint=blueprint_of(campaign),
        name=name,
        start_date=start_date,
        team=team or campaign.team,
        by=by,
        reason=_("Cloned from %(code)s") % {"code": campaign.code},
    )


@transaction.atomic
def campaign_template_save(*, campaign: Campaign, name: str, by, description: str = "") -> CampaignTemplate:
    """Keep the campaign's plan in the template gallery; its editors may (a template of a confidential
    campaign stays within its team)."""
    from campaigns.blueprints import blueprint_of

    _ensure(permissions.can_edit_campaign(by, campaign), _("You cannot edit this campaign."))
    template = CampaignTemplate(
        name=name,
        description=description,
        team_id=campaign.team_id,
        confidential=campaign.confidential,
        source_code=campaign.code,
        blueprint=blueprint_of(campaign),
        created_by=by,
    )
    template.full_clean(exclude=["team", "created_by"])
    template._history_user = by
    template.save()
    return template


@transaction.atomic
def campaign_template_delete(*, template: CampaignTemplate, by) -> None:
    _ensure(permissions.can_delete_template(by, template), _("You cannot remove this template."))
    template._history_user = by
    template.delete()


@transaction.atomic
def campaign_start_from_template(*, template: CampaignTemplate, name: str, start_date: date, by, team=None) -> Campaign:
    """A new draft laid out from a template of the gallery (in the template's team unless another is named)."""
    return campaign_from_blueprint(
        blueprint=template.blueprint,
        name=name,
        start_date=start_date,
        team=team or template.team,
        by=by,
        reason=_("Started from the template %(name)s") % {"name": template.name},
    )


@dataclasses.dataclass
class PartImport:
    """One activity, task or KPI of an import: new (unsaved) or locked existing, with the file's values set.

    ``changed`` names the fields the file changes; ``original`` is the
    existing object as it was (its campaign decides who may edit it).
    """

    obj: Activity | Task | KPI
    changed: set = dataclasses.field(default_factory=set)
    original: Activity | Task | KPI | None = None


@transaction.atomic
def campaign_parts_import(*, model, creates: list[PartImport], updates: list[PartImport], by, note: str) -> None:
    """Write an import's activities, tasks or KPIs in bulk: the rules of one by one, a constant number of queries.

    The same rules as ``activity_create``/``task_update``/…: only those who
    may edit the campaign write its parts (§2, the campaigns read with
    their teams beforehand), the model's field and cross-field checks
    (dates, times, a task's activity of the same campaign, a custom KPI's
    name), a task's ``done_at`` set when it is ticked off. Then the rows
    and their history (who, when, the import's note) in a few multi-row
    statements. ``external_ref`` is unique per campaign: a row created
    meanwhile by someone else fails the whole import with the reason.
    """
    by = get_user_model().objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    now = timezone.now()
    problems = []
    foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for item in [*creates, *updates]:
        obj = item.obj
        campaign = (item.original or obj).campaign
        if not permissions.can_edit_campaign(by, campaign) or obj.campaign_id != campaign.pk:
            raise PermissionDenied(_("You cannot edit this campaign."))
        if model is Task:
            was_done = item.original.done if item.original is not None else False
            if obj.done and not was_done:
                obj.done_at = now
                item.changed.add("done_at")
            elif not obj.done and was_done:
                obj.done_at = None
                item.changed.add("done_at")
        try:
            obj.clean_fields(exclude=foreign_keys)
            obj.clean()
        except ValidationError as exc:
            problems += [f"{obj}: {message}" for message in exc.messages]
    if problems:
        raise ValidationError(problems)
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    for item in creates:
        if hasattr(item.obj, "created_at"):
            item.obj.created_at = now
        if has_updated_at:
            item.obj.updated_at = now
    try:
        with transaction.atomic():
            model.objects.bulk_create([i.obj for i in creates])
    except IntegrityError:
        raise ValidationError(
            _("A row with one of these external references was created meanwhile. Upload the file again.")
        ) from None
    model.history.bulk_history_create([i.obj for i in creates], default_user=by, default_change_reason=note[:100])
    if updates:
        fields = {f for i in updates for f in i.changed}
        attnames = {model._meta.get_field(f).attname for f in fields}
        if has_updated_at:
            attnames.add("updated_at")
            for item in updates:
                item.obj.updated_at = now
        try:
            with transaction.atomic():
                model.objects.bulk_update([i.obj for i in updates], sorted(attnames))
        except IntegrityError:
            raise ValidationError(
                _("A row with one of these external references was created meanwhile. Upload the file again.")
            ) from None
        model.history.bulk_history_create(
            [i.obj for i in updates], update=True, default_user=by, default_change_reason=note[:100]
        )


def _undo_campaigns(job) -> list[Campaign]:
    """The campaigns an import wrote on (its own, or the parents of the parts it wrote), with their teams."""
    from imports.undo import written_of

    written = written_of(job)
    campaign_ids: set[int] = set()
    for key, ids in written["created"].items():
        model = _part_models().get(key)
        if key == Campaign._meta.label_lower:
            campaign_ids |= {int(pk) for pk in ids}
        elif model is not None:
            campaign_ids |= set(model.objects.filter(pk__in=ids).values_list("campaign_id", flat=True))
    for key, previous in written["updated"].items():
        model = _part_models().get(key)
        if key == Campaign._meta.label_lower:
            campaign_ids |= {int(pk) for pk in previous}
        elif model is not None:
            campaign_ids |= set(
                model.objects.filter(pk__in=[int(pk) for pk in previous]).values_list("campaign_id", flat=True)
            )
    return list(Campaign.objects.filter(pk__in=campaign_ids).select_related("team"))


def _part_models() -> dict:
    return {m._meta.label_lower: m for m in (Activity, Task, KPI)}


def campaigns_import_undo_objections(*, job) -> list[str]:
    """Why an applied import of campaigns or their parts cannot be undone now (empty: it may be).

    Something depends on what it wrote: an object it wrote was changed
    since (its history has a later record); a row of another table points
    at a campaign or activity it created (a funding request, an expense, a
    material, a task or child campaign from elsewhere); a launch approval
    was opened for a campaign it created; or it moved a campaign's status
    (a lifecycle move is taken back by hand, through the lifecycle).
    """
    from approvals.choices import SubjectKind
    from approvals.models import ApprovalRequest
    from imports.undo import changed_after, dependents, written_of

    key = Campaign._meta.label_lower
    written = written_of(job)
    objections = changed_after(job)
    ignore = [m._meta.label_lower for m in (CampaignTransition, CampaignUserObjectPermission)]
    ignore.append("campaigns.campaigngroupobjectpermission")
    objections += dependents(job, ignore=ignore)
    created = [int(pk) for pk in written["created"].get(key, [])]
    if (
        created
        and ApprovalRequest.objects.filter(subject_kind=SubjectKind.CAMPAIGN_LAUNCH, object_id__in=created).exists()
    ):
        objections.append(_("A launch approval was requested for a campaign this import created."))
    moved = ((job.result or {}).get("written") or {}).get("moved", {}).get(key) or []
    if moved:
        codes = Campaign.objects.filter(pk__in=moved).order_by("code").values_list("code", flat=True)
        objections.append(
            _("The import moved the status of %(codes)s; a status change is taken back through the lifecycle.")
            % {"codes": ", ".join(codes)}
        )
    return objections


@transaction.atomic
def campaigns_import_undo(*, job, by) -> dict:
    """Take back an import of campaigns, activities, tasks or KPIs (called by the engine with the job locked).

    Who may: whoever may still edit every campaign it wrote on (§2). What it
    created is deleted (newest first: children before parents), what it
    changed gets its previous values and a campaign its previous channels;
    every object gets a history record naming who undid it and the import.
    """
    from django.apps import apps

    from imports.undo import delete_created, restore_updated, undo_note, written_of

    by = get_user_model().objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    written = written_of(job)
    # Lock what the import wrote, then look again: an edit or another import committed meanwhile is seen now.
    for model_key in sorted(set(written["created"]) | set(written["updated"])):
        ids = [int(pk) for pk in written["created"].get(model_key, [])]
        ids += [int(pk) for pk in written["updated"].get(model_key, {})]
        list(apps.get_model(model_key)._base_manager.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    objections = campaigns_import_undo_objections(job=job)
    if objections:
        raise StateConflict(" ".join([_("This import cannot be undone:"), *objections]))
    for campaign in _undo_campaigns(job):
        if not permissions.can_edit_campaign(by, campaign):
            raise PermissionDenied(
                _("%(code)s is a campaign of the team %(team)s; you cannot undo this import.")
                % {"code": campaign.code, "team": campaign.team.name}
            )
    note = undo_note(job)
    counts = {"deleted": 0, "restored": 0}
    key = Campaign._meta.label_lower
    for model_key in sorted(written["updated"]):
        objects, records = restore_updated(job, model_key, by=by, note=note, skip=["channels"])
        counts["restored"] += len(objects)
        if model_key == key:
            _restore_channels(objects, records, written["updated"][model_key])
    # Parts before campaigns: a task of an activity goes before it (only what this import created).
    order = [m._meta.label_lower for m in (Task, KPI, Activity, Campaign)]
    for model_key in sorted(written["created"], key=lambda k: order.index(k) if k in order else -1):
        counts["deleted"] += delete_created(job, model_key, by=by, note=note)
    return counts


def _restore_channels(campaigns: list[Campaign], records: list, previous: dict) -> None:
    """The channels a campaign had before the import, kept in its undo history record too."""
    through = Campaign.channels.through
    restored = [c for c in campaigns if "channels" in previous[str(c.pk)]]
    through.objects.filter(campaign_id__in=[c.pk for c in restored]).delete()
    through.objects.bulk_create(
        [through(campaign_id=c.pk, channel_id=pk) for c in restored for pk in previous[str(c.pk)]["channels"]]
    )
    links = list(through.objects.filter(campaign_id__in=[c.pk for c in campaigns]))
    _channels_history(records, links)
