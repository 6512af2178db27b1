"""Who may do what with a change request (PRODUCT.md §2, §7), as plain predicates.

- Anyone with a role may ask for a change: the people who feel a
  configuration's weight are the ones who know it must change.
- An affected team answers (acknowledges or objects) through its champion
  or its lead: they speak for the team, so one answer per team suffices.
- Only administrators apply or decline: they are the ones who change the
  configuration in the Django admin.
- The requester, or an administrator, withdraws an open request; only the
  requester confirms it is still needed (the "why" is theirs).
"""

from __future__ import annotations

from changes.choices import AnswerStatus, ChangeStatus


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_request_change(user) -> bool:
    """Every active user with an MRM role may ask for a configuration change."""
    return _active(user) and (user.is_mrm_admin or bool(user.roles))


def speaking_team_ids(user) -> frozenset[int]:
    """The teams the user speaks for: those where they are the champion or the lead."""
    if not _active(user):
        return frozenset()
    return frozenset(m.team_id for m in user.memberships.all() if m.is_champion or m.is_lead)


def answerable_teams(user, change_request) -> list:
    """The affected-team rows of this request the user may answer for (champion or lead of the team)."""
    teams = speaking_team_ids(user)
    return [row for row in change_request.affected_teams.all() if row.team_id in teams]


def can_answer(user, change_request) -> bool:
    """Champions and leads of an affected team answer while the request is open."""
    return change_request.status == ChangeStatus.OPEN and bool(answerable_teams(user, change_request))


def can_decide(user, change_request=None) -> bool:
    """Administrators apply or decline: they make the change itself in the Django admin."""
    return _active(user) and user.is_mrm_admin


def can_withdraw(user, change_request) -> bool:
    """The requester or an administrator withdraws a request nobody needs any more."""
    return _active(user) and (change_request.requested_by_id == user.pk or user.is_mrm_admin)


def can_confirm(user, change_request) -> bool:
    """Only the requester says why an idle request is still needed."""
    return _active(user) and change_request.requested_by_id == user.pk


def blocking_teams(change_request) -> list:
    """Affected teams that have not acknowledged (waiting or objecting): applying over them needs an override."""
    return [row for row in change_request.affected_teams.all() if row.status != AnswerStatus.ACKNOWLEDGED]


def available_actions(change_request, user) -> dict:
    """The buttons to draw for this user on this change request."""
    is_open = change_request.status == ChangeStatus.OPEN
    return {
        "answer": is_open and can_answer(user, change_request),
        "decide": is_open and can_decide(user, change_request),
        "needs_override": bool(blocking_teams(change_request)),
        "withdraw": is_open and can_withdraw(user, change_request),
        "confirm": is_open and can_confirm(user, change_request),
    }
