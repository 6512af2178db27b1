"""Who the approvals engine tells what, and when those notices stop asking (PRODUCT.md §5).

Every notice is a message key with parameters (:mod:`approvals.messages`),
rendered in the reader's language. A notice that asks for action names what
it is about (``subject_key``):

- ``approvals.stage:<id>`` — "waiting for your decision" and reminders, to
  the stage's approvers and their stand-ins;
- ``approvals.escalation:<id>`` — the escalation contact's notice of the stage;
- ``approvals.request:<id>`` — "still needed?" to the submitter.

When a stage is decided, withdrawn or handed over, or a stand-in period
ends, these notices are resolved inside the same transaction for everyone
who no longer has to act, so the bell counts only what is still to do.
"""

from __future__ import annotations

from django.db.models import Min

from approvals import messages
from approvals.choices import Outcome, RequestStatus, StageStatus
from approvals.models import ApprovalRequest, Decision, Delegation, StageState
from notifications.choices import NotificationKind
from notifications.services import notifications_resolve, notify


def stage_key(state_id: int) -> str:
    return f"approvals.stage:{state_id}"


def escalation_key(state_id: int) -> str:
    return f"approvals.escalation:{state_id}"


def request_key(request_id: int) -> str:
    return f"approvals.request:{request_id}"


def _decimal(value) -> str | None:
    return None if value is None else str(value)


# --- telling ------------------------------------------------------------------------------------


def tell_stage_started(state: StageState, *, approvers: list, actor) -> None:
    """Tell the approvers of a stage that just started (and their stand-ins) that it waits for them."""
    request = state.request
    stand_ins = [
        d.stand_in for d in Delegation.objects.current().filter(approver__in=approvers).select_related("stand_in")
    ]
    notify(
        recipients=[*approvers, *stand_ins],
        kind=NotificationKind.REQUEST_SUBMITTED,
        message=messages.WAITING,
        params={
            "subject": request.subject_title,
            "who": request.submitted_by.full_name,
            "stage": state.name,
            "due": state.due_at,
            "amount": _decimal(request.amount),
            "reason": request.reason,
        },
        url=request.get_absolute_url(),
        actor=actor,
        subject_key=stage_key(state.pk),
        dedupe_key=f"approvals:stage-started:{state.pk}",
    )


def decision_params(request: ApprovalRequest, decision: Decision, state: StageState) -> dict:
    """Outcome, amounts and notes of a decision, as message parameters.

    ``approved`` is the amount approved so far: the lowest amount of the
    request's approvals (what the subject's handler receives when the last
    stage approves), so a later stage approving "as is" still reports the
    amount an earlier one cut. When that cut came from another decision, its
    note travels along (``cut_note``): the requester learns why less.
    """
    params = {
        "subject": request.subject_title,
        "outcome": decision.outcome,
        "who": decision.decider.full_name,
        "on_behalf": decision.on_behalf_of.full_name if decision.on_behalf_of_id else "",
        "stage": state.name,
        "status": request.status,
        "amount": _decimal(request.amount),
        "approved": None,
        "note": decision.note,
    }
    if decision.outcome == Outcome.APPROVE and request.amount is not None:
        lowest = request.decisions.filter(outcome=Outcome.APPROVE).aggregate(low=Min("approved_amount"))["low"]
        params["approved"] = _decimal(lowest if lowest is not None else request.amount)
        if lowest is not None and lowest < request.amount and decision.approved_amount != lowest:
            cut = (
                request.decisions.filter(outcome=Outcome.APPROVE, approved_amount=lowest)
                .select_related("decider")
                .order_by("-created_at", "-pk")
                .first()
            )
            if cut is not None and cut.note:
                params["cut_note"] = cut.note
                params["cut_by"] = cut.decider.full_name
    return params


def tell_decision(request: ApprovalRequest, decision: Decision, state: StageState) -> None:
    """Tell the submitter: a *decision* (its e-mail subject says so, unlike a comment's), with amount and note."""
    notify(
        recipients=[request.submitted_by],
        kind=NotificationKind.DECISION,
        message=messages.DECIDED,
        params=decision_params(request, decision, state),
        url=request.get_absolute_url(),
        actor=decision.decider,
        dedupe_key=f"approvals:decision:{decision.pk}",
    )


# --- resolving ----------------------------------------------------------------------------------


def still_acting(state: StageState) -> set[int]:
    """Who may still decide on an open stage: undecided approvers and today's stand-ins, minus who decided."""
    if state.status != StageStatus.IN_PROGRESS:
        return set()
    waiting = set(state.assignments.filter(decided=False).values_list("user_id", flat=True))
    stand_ins = set(Delegation.objects.current().filter(approver__in=waiting).values_list("stand_in_id", flat=True))
    decided = set(state.decisions.values_list("decider_id", flat=True))
    return (waiting | stand_ins) - decided


def refresh_stage(state: StageState, *, reason: str, params: dict | None = None) -> int:
    """Resolve the stage's notices of everyone who no longer has to act on it.

    A closed stage resolves them all (its escalation notice too); an open one
    (an ``all`` stage still waiting for others, a stage handed over, a
    stand-in period ended) spares exactly those who may still decide.
    """
    if state.status != StageStatus.IN_PROGRESS:
        resolved = notifications_resolve(subject_key=stage_key(state.pk), reason=reason, params=params)
        return resolved + notifications_resolve(subject_key=escalation_key(state.pk), reason=reason, params=params)
    return notifications_resolve(
        subject_key=stage_key(state.pk), reason=reason, params=params, keep=still_acting(state)
    )


def resolve_after_decision(request: ApprovalRequest, decision: Decision, state: StageState) -> None:
    """After a decision: its stage's notices (all of them once the stage closed) and, if closed, the request's."""
    params = {
        "who": decision.decider.full_name,
        "on_behalf": decision.on_behalf_of.full_name if decision.on_behalf_of_id else "",
        "outcome": decision.outcome,
    }
    refresh_stage(state, reason=messages.RESOLVED_DECIDED, params=params)
    if request.status != RequestStatus.IN_PROGRESS:
        notifications_resolve(subject_key=request_key(request.pk), reason=messages.RESOLVED_DECIDED, params=params)


def resolve_withdrawn(request: ApprovalRequest, *, open_state_ids, by) -> None:
    """A withdrawn request asks nothing of anyone any more: its open stages' and its own notices are resolved."""
    params = {"who": by.full_name if by is not None else ""}
    for state_id in open_state_ids:
        for key in (stage_key(state_id), escalation_key(state_id)):
            notifications_resolve(subject_key=key, reason=messages.RESOLVED_WITHDRAWN, params=params)
    notifications_resolve(subject_key=request_key(request.pk), reason=messages.RESOLVED_WITHDRAWN, params=params)


def resolve_confirmed(request: ApprovalRequest) -> None:
    notifications_resolve(subject_key=request_key(request.pk), reason=messages.RESOLVED_CONFIRMED)


def refresh_stages_of(approver_ids, *, reason: str, params: dict | None = None) -> int:
    """Refresh the open stages where these approvers have not decided (their stand-ins changed)."""
    states = StageState.objects.filter(
        status=StageStatus.IN_PROGRESS,
        request__status=RequestStatus.IN_PROGRESS,
        assignments__user_id__in=list(approver_ids),
        assignments__decided=False,
    ).distinct()
    return sum(refresh_stage(state, reason=reason, params=params) for state in states)
