"""Reads of the approval pages that are more than a queryset method."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from approvals.models import ApprovalRequest, Comment, Decision, StageAssignment


def request_page_data(request: ApprovalRequest) -> dict:
    """Everything the request page shows, in a fixed number of queries."""
    decisions = Decision.objects.select_related("decider", "on_behalf_of").order_by("created_at", "pk")
    assignments = StageAssignment.objects.select_related("user").order_by("pk")
    states = list(
        request.stage_states.order_by("order").prefetch_related(
            Prefetch("decisions", queryset=decisions), Prefetch("assignments", queryset=assignments)
        )
    )
    comments = list(Comment.objects.filter(request=request).select_related("author"))
    history = list(request.history.select_related("history_user").order_by("-history_date")[:50])
    return {"stage_states": states, "comments": comments, "history": history}


def inbox(user):
    """Everything waiting on the user, oldest first, with what each row shows fetched up front."""
    return (
        ApprovalRequest.objects.pending_for(user)
        .select_related("submitted_by", "template", "current_stage")
        .order_by("submitted_at", "pk")
    )


def is_overdue(request: ApprovalRequest, now=None) -> bool:
    return bool(request.due_at) and request.due_at < (now or timezone.now())


def attach_decision_contexts(requests, user) -> list[ApprovalRequest]:
    """Give each request the context its subject app shows a decider (``request.decision_context``).

    Asked of each kind's registered handler once for all the rows of that
    kind, so a list of 50 funding requests costs what a list of 1 does. A
    request without a provider, or whose subject the user may not read,
    gets ``None``. Sets ``decision_context_template`` alongside.
    """
    from approvals.registry import registered_handlers

    requests = list(requests)
    providers = {h.kind: h.decision_context for h in registered_handlers() if h.decision_context is not None}
    loaded: dict = {}
    for kind, provider in providers.items():
        ids = [r.object_id for r in requests if r.subject_kind == kind]
        loaded[kind] = provider.load(user, ids) if ids else {}
    for request in requests:
        provider = providers.get(request.subject_kind)
        context = loaded.get(request.subject_kind, {}).get(request.object_id) if provider else None
        request.decision_context = context
        request.decision_context_template = provider.template if context is not None else ""
        request.decision_context_data = (
            provider.as_data(context) if context is not None and provider.as_data is not None else None
        )
    return requests
