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
