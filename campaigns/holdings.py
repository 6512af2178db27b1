"""What campaigns a user holds, and how a handover moves them (PRODUCT.md §7).

Registered with :mod:`accounts.holdings` in ``CampaignsConfig.ready()``:
open campaigns (not completed, not cancelled) a user owns or sponsors.
Closed campaigns keep their historical owner: nobody needs to answer for them.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from accounts.holdings import register_holdings_provider
from accounts.messages import handover_reason
from campaigns.choices import OPEN_STATUSES
from campaigns.models import Campaign


def open_campaigns():
    return Campaign.objects.filter(status__in=OPEN_STATUSES)


def _counts(field: str):
    def counts(user_ids: list[int]) -> dict[int, int]:
        rows = open_campaigns().filter(**{f"{field}__in": user_ids}).order_by().values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows}

    return counts


def _reassign(field: str):
    def reassign(from_user, to_user, by) -> int:
        """Lock the user's open campaigns and give them to ``to_user``; each change is in the campaign's history."""
        moved = 0
        for campaign in open_campaigns().select_for_update().filter(**{field: from_user}).order_by("pk"):
            setattr(campaign, field, to_user)
            campaign._history_user = by
            campaign._change_reason = handover_reason(from_user)
            campaign.save(update_fields=[field, "updated_at"])
            moved += 1
        return moved

    return reassign


def register() -> None:
    register_holdings_provider(
        "campaigns.owned",
        gettext_lazy("Campaigns owned"),
        lambda user: open_campaigns().filter(owner=user).order_by("code"),
        reassign=_reassign("owner"),
        counts=_counts("owner"),
        order=10,
    )
    register_holdings_provider(
        "campaigns.sponsored",
        gettext_lazy("Campaigns sponsored"),
        lambda user: open_campaigns().filter(sponsor=user).order_by("code"),
        reassign=_reassign("sponsor"),
        counts=_counts("sponsor"),
        order=20,
    )
