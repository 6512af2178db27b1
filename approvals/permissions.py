"""Who may do what with an approval request (PRODUCT.md §2, §5), as plain predicates.

Reading is decided by ``ApprovalRequest.objects.visible_to(user)``; these
predicates decide commands on a request the user can already see.
``available_actions`` tells templates and the API which buttons to draw, so
no page re-implements a rule; the services check the same predicates.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from approvals.choices import Outcome, RequestStatus, StageStatus
from approvals.querysets import principals_of


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def decision_slot(user, state):
    """The assignment the user would decide for on this open stage, and on whose behalf.

    Returns ``(assignment, on_behalf_of)``: the user's own undecided
    assignment first (``on_behalf_of`` is ``None``), else the undecided
    assignment of an approver the user stands in for today. Raises
    ``StateConflict`` when the user's only slots are already decided and
    ``PermissionDenied`` when the user is no approver of this stage at all.
    """
    from mrm.exceptions import StateConflict

    assignments = list(state.assignments.select_related("user"))
    own = [a for a in assignments if a.user_id == user.pk]
    if own and not own[0].decided:
        return own[0], None
    delegators = set(principals_of(user)[1:])
    covered = [a for a in assignments if a.user_id in delegators]
    for assignment in covered:
        if not assignment.decided:
            return assignment, assignment.user
    if own or covered:
        raise StateConflict(_("You have already decided on this stage."))
    raise PermissionDenied(_("Only an assigned approver of the open stage (or their stand-in) can decide."))


def can_decide(user, request) -> bool:
    """An assigned approver (or stand-in) of the open stage who has not decided yet, never the submitter (§2)."""
    if not _active(user) or request.status != RequestStatus.IN_PROGRESS or request.current_stage_id is None:
        return False
    if user.pk == request.submitted_by_id:
        return False
    state = request.current_stage
    if state is None or state.status != StageStatus.IN_PROGRESS:
        return False
    if state.decisions.filter(decider_id=user.pk).exists():
        return False
    from mrm.exceptions import StateConflict

    try:
        decision_slot(user, state)
    except (PermissionDenied, StateConflict):
        return False
    return True


def can_comment(user, request) -> bool:
    """Anyone who can see the request may discuss it; comments never change a status."""
    return _active(user)


def can_cancel(user, request) -> bool:
    """The submitter (or an admin) withdraws an open request."""
    if not _active(user) or request.status != RequestStatus.IN_PROGRESS:
        return False
    return user.pk == request.submitted_by_id or user.is_mrm_admin


def can_confirm(user, request) -> bool:
    """The submitter answers the "still needed?" question of an open request."""
    return _active(user) and request.status == RequestStatus.IN_PROGRESS and user.pk == request.submitted_by_id


def can_manage_templates(user) -> bool:
    """Workflow templates are configuration: admins only (PRODUCT.md §2, §7)."""
    return _active(user) and user.is_mrm_admin


def ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def available_actions(request, user) -> dict:
    """The buttons to draw for this user on this request."""
    decide = can_decide(user, request)
    on_behalf_of = None
    if decide:
        _assignment, on_behalf_of = decision_slot(user, request.current_stage)
    return {
        "decide": decide,
        "outcomes": list(Outcome) if decide else [],
        "on_behalf_of": on_behalf_of,
        "amount": decide and request.amount is not None,
        "comment": can_comment(user, request),
        "cancel": can_cancel(user, request),
        "confirm": can_confirm(user, request) and request.stale_asked_at is not None,
    }
