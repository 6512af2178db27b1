"""Every write of change requests (PRODUCT.md §7): create, answer, apply, decline, withdraw, confirm.

Each service validates, locks the change request row (``select_for_update``)
so that two people acting at once are serialised — the second one then sees
the new state and gets a :class:`~mrm.exceptions.StateConflict` (409) —,
writes with the actor recorded in the history, and notifies through
``notifications.services.notify`` (e-mails leave only after commit).

Applying records the administrator's decision; the configuration itself is
changed by the administrator in the Django admin (the page says so), so a
change request never edits a template, a category or a field on its own.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.choices import Role
from accounts.models import Membership, User
from changes import messages, permissions
from changes.affected import compute_affected
from changes.choices import AnswerStatus, ChangeStatus, ConfigurableField, TargetKind
from changes.models import AffectedTeam, ChangeRequest
from mrm.exceptions import StateConflict
from notifications.choices import NotificationKind
from notifications.services import notifications_resolve, notify

TEXT_MAX = 4000


def _text(value, *, field: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return text


def _lock(change_request: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update().get(pk=change_request.pk)


def _require_open(locked: ChangeRequest) -> None:
    if locked.status != ChangeStatus.OPEN:
        raise StateConflict(
            _("This change request is already closed (%(status)s).")
            % {"status": ChangeStatus(locked.status).label.lower()}
        )


def _speakers(team_ids) -> list:
    """The champions and leads of these teams: they answer for their teams."""
    memberships = (
        Membership.objects.filter(team_id__in=list(team_ids), user__is_active=True)
        .exclude(is_champion=False, is_lead=False)
        .select_related("user")
        .order_by("pk")
    )
    return [m.user for m in memberships]


def _tell_admins_it_is_ready(change: ChangeRequest, *, actor) -> None:
    """Once no affected team is waiting or objecting, the administrators are told it can be applied (once)."""
    if permissions.blocking_teams(change):
        return
    admins = User.objects.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True), is_active=True).distinct()
    notify(
        recipients=list(admins),
        kind=NotificationKind.REQUEST_SUBMITTED,
        message=messages.READY,
        params={**messages.target_params(change), "what": change.what},
        url=change.get_absolute_url(),
        actor=actor,
        subject_key=messages.ready_key(change.pk),
        dedupe_key=f"changes:ready:{change.pk}",
    )


def _target(target_kind, workflow_template, expense_category, field_name) -> tuple:
    """The one target of the request's kind; fields of the other kinds are ignored."""
    if target_kind not in TargetKind.values:
        raise ValidationError({"target_kind": _("Choose a workflow template, an expense category or a field.")})
    if target_kind == TargetKind.WORKFLOW_TEMPLATE:
        if workflow_template is None:
            raise ValidationError({"workflow_template": _("Choose the workflow template to change.")})
        return workflow_template, None, ""
    if target_kind == TargetKind.EXPENSE_CATEGORY:
        if expense_category is None:
            raise ValidationError({"expense_category": _("Choose the expense category to change.")})
        return None, expense_category, ""
    if field_name not in ConfigurableField.values:
        raise ValidationError({"field_name": _("Choose one of the configurable fields.")})
    return None, None, field_name


@transaction.atomic
def change_request_create(
    *,
    by,
    target_kind: str,
    what: str,
    why: str,
    workflow_template=None,
    expense_category=None,
    field_name: str = "",
) -> ChangeRequest:
    """Ask for a configuration change, saying what and why (both required, §7).

    Who it affects is computed now and stored (``changes.affected``): the
    teams must answer before an administrator applies it, and the record shows
    who was affected at the time even after the configuration moved on. The
    champions and leads of the affected teams are told.
    """
    if not permissions.can_request_change(by):
        raise PermissionDenied(_("Only users with a role can ask for a configuration change."))
    template, category, field_value = _target(target_kind, workflow_template, expense_category, field_name)
    change = ChangeRequest(
        requested_by=by,
        target_kind=target_kind,
        workflow_template=template,
        expense_category=category,
        field_name=field_value,
        what=_text(what, field="what", required=True),
        why=_text(why, field="why", required=True),
    )
    change._history_user = by
    change.save()
    affected = compute_affected(
        target_kind=target_kind, workflow_template=template, expense_category=category, field_name=field_value
    )
    teams = list(affected.teams())
    bulk_create_with_history(
        [AffectedTeam(change_request=change, team=team) for team in teams], AffectedTeam, default_user=by
    )
    change.affected_users.set(list(affected.users()))
    notify(
        recipients=_speakers([team.pk for team in teams]),
        kind=NotificationKind.REQUEST_SUBMITTED,
        message=messages.AFFECTS_TEAM,
        params={**messages.target_params(change), "who": by.full_name, "what": change.what, "why": change.why},
        url=change.get_absolute_url(),
        actor=by,
        subject_key=messages.request_key(change.pk),
        dedupe_key=f"changes:created:{change.pk}",
    )
    _tell_admins_it_is_ready(change, actor=by)
    return change


@transaction.atomic
def change_request_answer(*, change_request: ChangeRequest, by, answer: str, note: str = "") -> list[AffectedTeam]:
    """An affected team's champion or lead acknowledges the change or objects to it (an objection says why).

    The answer is given for every affected team the user speaks for; it may be
    changed while the request is open (an objection withdrawn after a talk),
    and every answer stays in the history. The requester is told.
    """
    if answer not in (AnswerStatus.ACKNOWLEDGED, AnswerStatus.OBJECTED):
        raise ValidationError({"answer": _("Acknowledge or object.")})
    locked = _lock(change_request)
    _require_open(locked)
    rows = permissions.answerable_teams(by, locked)
    if not rows:
        raise PermissionDenied(_("Only the champion or the lead of an affected team can answer for it."))
    text = _text(note, field="note", required=answer == AnswerStatus.OBJECTED)
    now = timezone.now()
    for row in rows:
        row.status = answer
        row.by = by
        row.at = now
        row.note = text
        row._history_user = by
        row.save()
    locked.last_activity_at = now
    locked.stale_asked_at = None
    locked._history_user = by
    locked.save(update_fields=["last_activity_at", "stale_asked_at"])
    acknowledged = answer == AnswerStatus.ACKNOWLEDGED
    notify(
        recipients=[locked.requested_by],
        kind=NotificationKind.OTHER,
        message=messages.ACKNOWLEDGED if acknowledged else messages.OBJECTED,
        params={
            **messages.target_params(locked),
            "who": by.full_name,
            "teams": [row.team.name for row in rows],
            "note": text,
        },
        url=locked.get_absolute_url(),
        actor=by,
    )
    # Speakers of teams that have answered have nothing left to do; those of teams still waiting do.
    waiting = locked.affected_teams.filter(status=AnswerStatus.PENDING).values_list("team_id", flat=True)
    notifications_resolve(
        subject_key=messages.request_key(locked.pk),
        reason=messages.RESOLVED_ANSWERED,
        params={"who": by.full_name},
        keep=[user.pk for user in _speakers(waiting)],
    )
    _tell_admins_it_is_ready(locked, actor=by)
    change_request.refresh_from_db()
    return rows


def _decide(locked: ChangeRequest, *, status: str, by, note: str, overridden: bool = False) -> ChangeRequest:
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.overridden = overridden
    locked._history_user = by
    locked.save()
    _resolve_all(locked, by=by)
    notify(
        recipients=[locked.requested_by],
        kind=NotificationKind.DECISION,
        message=messages.DECIDED,
        params={**messages.target_params(locked), "status": status, "who": by.full_name, "note": note},
        url=locked.get_absolute_url(),
        actor=by,
        dedupe_key=f"changes:decision:{locked.pk}",
    )
    return locked


def _resolve_all(locked: ChangeRequest, *, by) -> None:
    """A closed change request asks nothing of anyone: its teams', admins' and requester's notices are resolved."""
    params = {"status": locked.status, "who": by.full_name if by is not None else ""}
    for key in (messages.request_key(locked.pk), messages.ready_key(locked.pk), messages.stale_key(locked.pk)):
        notifications_resolve(subject_key=key, reason=messages.RESOLVED_CLOSED, params=params)


@transaction.atomic
def change_request_apply(*, change_request: ChangeRequest, by, note: str = "", override: bool = False) -> ChangeRequest:
    """An administrator records that the change is made (in the Django admin), once every affected team agreed.

    The rule of §7: the affected teams acknowledge before an administrator
    applies. While a team has objected or not answered, applying is refused
    (409, naming the teams) unless the administrator overrides it explicitly
    and writes why in the note — the override stays on record. The request
    itself changes no configuration: the administrator does that in the admin.
    """
    if not permissions.can_decide(by, change_request):
        raise PermissionDenied(_("Only administrators apply or decline change requests."))
    locked = _lock(change_request)
    _require_open(locked)
    text = _text(note, field="note")
    blocking = permissions.blocking_teams(locked)
    if blocking and not override:
        raise StateConflict(
            _(
                "Not every affected team has acknowledged (%(teams)s). Wait for their answers, "
                "or apply with an override and a note saying why."
            )
            % {"teams": ", ".join(f"{row.team.name}: {row.get_status_display().lower()}" for row in blocking)}
        )
    if blocking and not text:
        raise ValidationError({"note": _("Say why you apply it over the teams that have not acknowledged.")})
    _decide(locked, status=ChangeStatus.APPLIED, by=by, note=text, overridden=bool(blocking))
    change_request.refresh_from_db()
    return locked


@transaction.atomic
def change_request_decline(*, change_request: ChangeRequest, by, note: str) -> ChangeRequest:
    """An administrator declines the change and says why (the requester is told)."""
    if not permissions.can_decide(by, change_request):
        raise PermissionDenied(_("Only administrators apply or decline change requests."))
    locked = _lock(change_request)
    _require_open(locked)
    text = _text(note, field="note", required=True)
    _decide(locked, status=ChangeStatus.DECLINED, by=by, note=text)
    change_request.refresh_from_db()
    return locked


@transaction.atomic
def change_request_withdraw(
    *, change_request: ChangeRequest, by, note: str = "", system_note: str = ""
) -> ChangeRequest:
    """The requester (or an admin) withdraws an open request; ``by=None`` is the stale-request job.

    ``system_note`` is the job's own note (a message key, rendered in each
    reader's language); a person's ``note`` is kept as written.
    """
    if by is not None and not permissions.can_withdraw(by, change_request):
        raise PermissionDenied(_("Only the requester or an administrator can withdraw this change request."))
    locked = _lock(change_request)
    _require_open(locked)
    locked.status = ChangeStatus.WITHDRAWN
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = system_note or _text(note, field="note")
    locked._history_user = by
    locked.save()
    _resolve_all(locked, by=by)
    change_request.refresh_from_db()
    return locked


@transaction.atomic
def change_request_confirm(*, change_request: ChangeRequest, by, note: str) -> ChangeRequest:
    """The requester confirms an idle request is still needed, and says why (PRODUCT.md §1, §5, §7).

    Like approval requests: it resets the idle clock, so the request is not
    withdrawn, and the answer stays on record.
    """
    if not permissions.can_confirm(by, change_request):
        raise PermissionDenied(_("Only the requester can confirm this change request is still needed."))
    locked = _lock(change_request)
    if locked.status != ChangeStatus.OPEN:
        raise StateConflict(_("This change request is closed: there is nothing to confirm."))
    now = timezone.now()
    locked.stale_confirmation = _text(note, field="note", required=True)
    locked.stale_confirmed_at = now
    locked.stale_asked_at = None
    locked.last_activity_at = now
    locked._history_user = by
    locked.save()
    notifications_resolve(subject_key=messages.stale_key(locked.pk), reason=messages.RESOLVED_CONFIRMED)
    change_request.refresh_from_db()
    return locked
