"""Funding requests a user still holds, and how a handover moves them (PRODUCT.md §7).

A request is held while it is open (draft or submitted): its requester
answers finance's questions and may withdraw it. Registered in
``BudgetsConfig.ready()``. The request's approval (if submitted) has its
own submitter, moved by the approvals provider.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from accounts.holdings import register_holdings_provider
from accounts.messages import handover_reason
from budgets.choices import FundingRequestStatus
from budgets.models import FundingRequest

OPEN = (FundingRequestStatus.DRAFT, FundingRequestStatus.SUBMITTED)


def open_requests():
    return FundingRequest.objects.filter(status__in=OPEN)


def counts(user_ids: list[int]) -> dict[int, int]:
    rows = open_requests().filter(requested_by__in=user_ids).order_by().values("requested_by").annotate(n=Count("pk"))
    return {row["requested_by"]: row["n"] for row in rows}


def reassign(from_user, to_user, by) -> int:
    """Lock the user's open requests and make ``to_user`` their requester, in each request's history."""
    moved = 0
    for request in open_requests().select_for_update().filter(requested_by=from_user).order_by("pk"):
        request.requested_by = to_user
        request._history_user = by
        request._change_reason = handover_reason(from_user)
        request.save(update_fields=["requested_by", "updated_at"])
        moved += 1
    return moved


def register() -> None:
    register_holdings_provider(
        "budgets.funding_requests",
        gettext_lazy("Open funding requests"),
        lambda user: open_requests().filter(requested_by=user).order_by("number"),
        reassign=reassign,
        counts=counts,
        order=70,
    )
