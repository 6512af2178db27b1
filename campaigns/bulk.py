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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.choices import BulkAction, CampaignStatus
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
    if action not in BulkAction.values:
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
    days = params.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError(
            {"days": _("Shift by a whole number of days, not 0, at most %(max)s either way.") % {"max": MAX_SHIFT_DAYS}}
        )
    return {"days": days}


def _ids(ids) -> list[int]:
    unique = list(dict.fromkeys(ids))
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


@transaction.atomic
def campaigns_bulk(*, ids, action: str, by, **params) -> tuple[list[Outcome], CampaignBatch | None]:
    """Apply ``action`` to each campaign of ``ids`` that ``by`` may read; one outcome per id, in order.

    ``params`` by action: ``status`` (+ ``note``), ``owner`` (a user),
    ``sponsor`` (a user or ``None``), ``team`` (a team), ``add_tags`` /
    ``remove_tags`` (lists), ``days`` (±, shifts the campaign with its
    activities and tasks). Returns the outcomes and the batch to undo (``None``
    when nothing changed).
    """
    ids = _ids(ids)
    params = _clean(action, params)
    readable = {c.pk: c for c in Campaign.objects.visible_to(by).filter(pk__in=ids)}
    outcomes, items = {}, {}
    # Rows are locked in id order, whatever order the caller named them in: two bulk changes of the same
    # campaigns then wait for each other instead of deadlocking.
    for pk in sorted(ids):
        campaign = readable.get(pk)
        if campaign is None:
            outcomes[pk] = Outcome(pk, False, not_found())
            continue
        try:
            with transaction.atomic():
                before = _apply(campaign, action, params, by)
        except (ValidationError, PermissionDenied, StateConflict) as error:
            outcomes[pk] = Outcome(pk, False, _message(error))
            continue
        outcomes[pk] = Outcome(pk, True)
        if before is not None:
            stamp = Campaign.objects.filter(pk=pk).values_list("updated_at", flat=True).get()
            items[str(pk)] = {"before": before, "updated_at": stamp.isoformat()}
    in_order = [outcomes[pk] for pk in ids]
    if not items:
        return in_order, None
    stored = {key: getattr(value, "pk", value) for key, value in params.items()}
    batch = CampaignBatch.objects.create(action=action, params=stored, items=items, created_by=by)
    return in_order, batch


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


@transaction.atomic
def campaigns_bulk_undo(*, batch: CampaignBatch, by) -> list[Outcome]:
    """Put back what the batch changed, campaign by campaign, where nobody changed the campaign since."""
    batch = CampaignBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise StateConflict(_("This bulk change was already undone."))
    if not can_undo(batch, by):
        raise PermissionDenied(_("Only who made a bulk change, or an admin, may undo it."))
    outcomes = []
    for pk in sorted(int(key) for key in batch.items):  # locked in id order, as the bulk change did
        item = batch.items[str(pk)]
        campaign = Campaign.objects.select_for_update().filter(pk=pk).first()
        if campaign is None:
            outcomes.append(Outcome(pk, False, not_found()))
            continue
        if campaign.updated_at.isoformat() != item["updated_at"]:
            outcomes.append(Outcome(pk, False, _("Changed since the bulk change; left as it is.")))
            continue
        try:
            with transaction.atomic():
                _restore(campaign, batch.action, item["before"], by)
        except (ValidationError, PermissionDenied, StateConflict) as error:
            outcomes.append(Outcome(pk, False, _message(error)))
            continue
        outcomes.append(Outcome(pk, True))
    batch.undone_by = by
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_by", "undone_at"])
    return outcomes
