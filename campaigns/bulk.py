"""Changing many campaigns at once, and undoing it as one (issue 18 item 1).

A bulk change is a loop over the ordinary services — ``campaign_transition``
for a status, ``campaign_update`` for owner, sponsor, team, tags and dates —
so every campaign passes the same rules as by hand (who may edit it, the
lifecycle, the sponsor rule, launch guards, dates) and gets its own history
entry. Each campaign is tried in its own savepoint: one refusal is listed
with its reason and the others go through. An id the user cannot read is
answered exactly as an id that does not exist.

What each campaign was before is kept on a :class:`CampaignBatch`; undoing
the batch puts back every campaign nobody has changed since, again through
the services (a status goes back only where the lifecycle allows it).

Tasks are changed in bulk the same way (``tasks_bulk`` / ``tasks_bulk_undo``,
from "my tasks" and ``POST /api/v1/tasks/bulk/``): the loop, the savepoints,
the id-ordered locks, the per-id answers and the batch are one engine
(:class:`Kind`), each kind bringing what it checks, applies and puts back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.choices import CAMPAIGN_BULK_ACTIONS, TASK_BULK_ACTIONS, BatchKind, BulkAction, CampaignStatus
from campaigns.models import Activity, Campaign, CampaignBatch, Task
from mrm.exceptions import StateConflict

#: The most campaigns one bulk change may name (a page's "all matching" included).
MAX_CAMPAIGNS = 500
#: The most days a shift moves dates, either way.
MAX_SHIFT_DAYS = 3660


@dataclass
class Outcome:
    id: int
    ok: bool
    error: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "ok": True} if self.ok else {"id": self.id, "ok": False, "error": self.error}


def not_found() -> str:
    """The one answer for an id that does not exist and an id the user may not read."""
    return _("Not found.")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.args[0] if error.args else error)


def _clean(action: str, params: dict) -> dict:
    """The parameters the action needs, checked before any campaign is touched."""
    if action not in CAMPAIGN_BULK_ACTIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    if action == BulkAction.STATUS:
        if params.get("status") not in CampaignStatus.values:
            raise ValidationError({"status": _("Choose the new status.")})
        return {"status": params["status"], "note": (params.get("note") or "").strip()}
    if action == BulkAction.OWNER:
        if params.get("owner") is None:
            raise ValidationError({"owner": _("Choose the new owner.")})
        return {"owner": params["owner"]}
    if action == BulkAction.TEAM:
        if params.get("team") is None:
            raise ValidationError({"team": _("Choose the team to move them to.")})
        return {"team": params["team"]}
    if action == BulkAction.SPONSOR:
        if "sponsor" not in params:
            raise ValidationError({"sponsor": _("Choose the sponsor, or send null to clear it.")})
        return {"sponsor": params["sponsor"]}
    if action == BulkAction.TAGS:
        add = [t.strip() for t in params.get("add_tags") or [] if t.strip()]
        remove = [t.strip() for t in params.get("remove_tags") or [] if t.strip()]
        if not add and not remove:
            raise ValidationError({"add_tags": _("Name tags to add or to remove.")})
        return {"add_tags": add, "remove_tags": remove}
    return _days(params)


def _days(params: dict) -> dict:
    days = params.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError(
            {"days": _("Shift by a whole number of days, not 0, at most %(max)s either way.") % {"max": MAX_SHIFT_DAYS}}
        )
    return {"days": days}


def _ids(ids, kind: str = BatchKind.CAMPAIGN) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if kind == BatchKind.TASK:
        if not unique:
            raise ValidationError({"ids": _("Select at least one task.")})
        if len(unique) > MAX_CAMPAIGNS:
            raise ValidationError({"ids": _("Select at most %(max)s tasks at a time.") % {"max": MAX_CAMPAIGNS}})
        return unique
    if not unique:
        raise ValidationError({"ids": _("Select at least one campaign.")})
    if len(unique) > MAX_CAMPAIGNS:
        raise ValidationError({"ids": _("Select at most %(max)s campaigns at a time.") % {"max": MAX_CAMPAIGNS}})
    return unique


def _tags(campaign: Campaign, add: list[str], remove: list[str]) -> list[str]:
    tags = [tag for tag in campaign.tag_list if tag not in remove]
    return tags + [tag for tag in add if tag not in tags]


def _shift(campaign: Campaign, days: int, by) -> Campaign:
    """Move the campaign with its activities and tasks' due dates, keeping the plan's shape."""
    delta = dt.timedelta(days=days)
    updated = services.campaign_update(
        campaign=campaign, by=by, start_date=campaign.start_date + delta, end_date=campaign.end_date + delta
    )
    for activity in Activity.objects.select_for_update().filter(campaign=campaign):
        services.activity_update(
            activity=activity, by=by, start_date=activity.start_date + delta, end_date=activity.end_date + delta
        )
    for task in Task.objects.select_for_update().filter(campaign=campaign).exclude(due_date=None):
        services.task_update(task=task, by=by, due_date=task.due_date + delta)
    return updated


def _apply(campaign: Campaign, action: str, params: dict, by) -> dict | None:
    """Change one campaign through its service; returns what it was before (``None``: nothing to undo).

    ``campaign`` was read before its row was locked; the services lock and re-read it, so
    what is kept as "before" is re-read under the lock too.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if action == BulkAction.STATUS:
        moved = services.campaign_transition(campaign=campaign, to_status=params["status"], note=params["note"], by=by)
        # a launch approval was asked for instead: the status stays, nothing to undo
        return None if moved.launch_request is not None else {"status": campaign.status}
    if action == BulkAction.OWNER:
        services.campaign_update(campaign=campaign, by=by, owner=params["owner"])
        return {"owner": campaign.owner_id}
    if action == BulkAction.SPONSOR:
        services.campaign_update(campaign=campaign, by=by, sponsor=params["sponsor"])
        return {"sponsor": campaign.sponsor_id}
    if action == BulkAction.TEAM:
        services.campaign_update(campaign=campaign, by=by, team=params["team"])
        return {"team": campaign.team_id}
    if action == BulkAction.TAGS:
        services.campaign_update(
            campaign=campaign, by=by, tags=_tags(campaign, params["add_tags"], params["remove_tags"])
        )
        return {"tags": campaign.tags}
    _shift(campaign, params["days"], by)
    return {"days": params["days"]}


@dataclass(frozen=True)
class Kind:
    """What one kind of object brings to the bulk engine."""

    kind: str
    model: type
    clean: Callable[[str, dict], dict]
    apply: Callable  # (obj, action, params, by) -> before | None
    restore: Callable  # (obj, action, before, by) -> None
    stamp: Callable[[int], str]  # what "nobody changed it since" compares


def _run(spec: Kind, *, ids, action: str, by, params: dict) -> tuple[list[Outcome], CampaignBatch | None]:
    ids = _ids(ids, spec.kind)
    params = spec.clean(action, params)
    readable = {obj.pk: obj for obj in spec.model.objects.visible_to(by).filter(pk__in=ids)}
    outcomes, items = {}, {}
    # Rows are locked in id order, whatever order the caller named them in: two bulk changes of the same
    # objects then wait for each other instead of deadlocking.
    for pk in sorted(ids):
        obj = readable.get(pk)
        if obj is None:
            outcomes[pk] = Outcome(pk, False, not_found())
            continue
        try:
            with transaction.atomic():
                before = spec.apply(obj, action, params, by)
        except (ValidationError, PermissionDenied, StateConflict) as error:
            outcomes[pk] = Outcome(pk, False, _message(error))
            continue
        outcomes[pk] = Outcome(pk, True)
        if before is not None:
            items[str(pk)] = {"before": before, "updated_at": spec.stamp(pk)}
    in_order = [outcomes[pk] for pk in ids]
    if not items:
        return in_order, None
    stored = {key: getattr(value, "pk", value) for key, value in params.items()}
    batch = CampaignBatch.objects.create(kind=spec.kind, action=action, params=stored, items=items, created_by=by)
    return in_order, batch


def _undo(spec: Kind, *, batch: CampaignBatch, by) -> list[Outcome]:
    batch = CampaignBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.kind != spec.kind:
        raise StateConflict(_("This bulk change is of another kind."))
    if batch.undone_at is not None:
        raise StateConflict(_("This bulk change was already undone."))
    if not can_undo(batch, by):
        raise PermissionDenied(_("Only who made a bulk change, or an admin, may undo it."))
    outcomes = []
    for pk in sorted(int(key) for key in batch.items):  # locked in id order, as the bulk change did
        item = batch.items[str(pk)]
        obj = spec.model.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            outcomes.append(Outcome(pk, False, not_found()))
            continue
        if spec.stamp(pk) != item["updated_at"]:
            outcomes.append(Outcome(pk, False, _("Changed since the bulk change; left as it is.")))
            continue
        try:
            with transaction.atomic():
                spec.restore(obj, batch.action, item["before"], by)
        except (ValidationError, PermissionDenied, StateConflict) as error:
            outcomes.append(Outcome(pk, False, _message(error)))
            continue
        outcomes.append(Outcome(pk, True))
    batch.undone_by = by
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_by", "undone_at"])
    return outcomes


def can_undo(batch: CampaignBatch, user) -> bool:
    return batch.undone_at is None and (batch.created_by_id == user.pk or getattr(user, "is_mrm_admin", False))


def _restore(campaign: Campaign, action: str, before: dict, by) -> None:
    from accounts.models import Team, User

    if action == BulkAction.STATUS:
        services.campaign_transition(campaign=campaign, to_status=before["status"], note=_("Bulk change undone"), by=by)
    elif action == BulkAction.SHIFT_DATES:
        _shift(campaign, -before["days"], by)
    elif action == BulkAction.TEAM:
        services.campaign_update(campaign=campaign, by=by, team=Team.objects.get(pk=before["team"]))
    elif action in (BulkAction.OWNER, BulkAction.SPONSOR):
        person = User.objects.filter(pk=before[action]).first() if before[action] else None
        services.campaign_update(campaign=campaign, by=by, **{action: person})
    else:
        services.campaign_update(campaign=campaign, by=by, tags=before["tags"])


def _campaign_stamp(pk: int) -> str:
    return Campaign.objects.filter(pk=pk).values_list("updated_at", flat=True).get().isoformat()


CAMPAIGNS = Kind(BatchKind.CAMPAIGN, Campaign, _clean, _apply, _restore, _campaign_stamp)


@transaction.atomic
def campaigns_bulk(*, ids, action: str, by, **params) -> tuple[list[Outcome], CampaignBatch | None]:
    """Apply ``action`` to each campaign of ``ids`` that ``by`` may read; one outcome per id, in order.

    ``params`` by action: ``status`` (+ ``note``), ``owner`` (a user),
    ``sponsor`` (a user or ``None``), ``team`` (a team), ``add_tags`` /
    ``remove_tags`` (lists), ``days`` (±, shifts the campaign with its
    activities and tasks). Returns the outcomes and the batch to undo (``None``
    when nothing changed).
    """
    return _run(CAMPAIGNS, ids=ids, action=action, by=by, params=params)


@transaction.atomic
def campaigns_bulk_undo(*, batch: CampaignBatch, by) -> list[Outcome]:
    """Put back what the batch changed, campaign by campaign, where nobody changed the campaign since."""
    return _undo(CAMPAIGNS, batch=batch, by=by)


# --- tasks (from "my tasks" and POST /api/v1/tasks/bulk/) ----------------------------------------------

#: What ``status`` takes for tasks.
TASK_DONE, TASK_OPEN = "done", "open"


def _clean_task(action: str, params: dict) -> dict:
    if action not in TASK_BULK_ACTIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    if action == BulkAction.STATUS:
        if params.get("status") not in (TASK_DONE, TASK_OPEN):
            raise ValidationError({"status": _("Choose done or open.")})
        return {"status": params["status"]}
    if action == BulkAction.ASSIGNEE:
        if "assignee" not in params:
            raise ValidationError({"assignee": _("Choose the new assignee, or send null to unassign.")})
        return {"assignee": params["assignee"]}
    return _days(params)


def _apply_task(task: Task, action: str, params: dict, by) -> dict:
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    if action == BulkAction.STATUS:
        services.task_set_done(task=task, done=params["status"] == TASK_DONE, by=by)
        return {"done": task.done}
    if action == BulkAction.ASSIGNEE:
        services.task_update(task=task, by=by, assignee=params["assignee"])
        return {"assignee": task.assignee_id}
    if task.due_date is None:
        raise ValidationError(_("This task has no due date to shift."))
    services.task_update(task=task, by=by, due_date=task.due_date + dt.timedelta(days=params["days"]))
    return {"days": params["days"]}


def _restore_task(task: Task, action: str, before: dict, by) -> None:
    from accounts.models import User

    if action == BulkAction.STATUS:
        services.task_set_done(task=task, done=before["done"], by=by)
    elif action == BulkAction.ASSIGNEE:
        person = User.objects.filter(pk=before["assignee"]).first() if before["assignee"] else None
        services.task_update(task=task, by=by, assignee=person)
    else:
        services.task_update(task=task, by=by, due_date=task.due_date - dt.timedelta(days=before["days"]))


def _task_stamp(pk: int) -> str:
    """A task has no ``updated_at``: its last history entry tells whether anybody changed it since."""
    last = Task.history.filter(id=pk).order_by("-history_id").values_list("history_id", flat=True).first()
    return str(last)


TASKS = Kind(BatchKind.TASK, Task, _clean_task, _apply_task, _restore_task, _task_stamp)


@transaction.atomic
def tasks_bulk(*, ids, action: str, by, **params) -> tuple[list[Outcome], CampaignBatch | None]:
    """Apply ``action`` to each task of ``ids`` that ``by`` may read; one outcome per id, in order.

    ``status`` (``done`` or ``open``: the assignee or the campaign's editors; a
    task whose prerequisites are open is refused), ``assignee`` (a user or
    ``None``) and ``shift_dates`` (``days``, ± on the due date): each through
    the task services, one history entry per task, one batch to undo.
    """
    return _run(TASKS, ids=ids, action=action, by=by, params=params)


@transaction.atomic
def tasks_bulk_undo(*, batch: CampaignBatch, by) -> list[Outcome]:
    """Put back what a task batch changed, where nobody changed the task since."""
    return _undo(TASKS, batch=batch, by=by)
