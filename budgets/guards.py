"""The campaign launch rule budgets adds to campaigns (PRODUCT.md §3, §4)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def needs_approved_funding(campaign) -> str | None:
    """A campaign with a planned cost above zero cannot go active without an approved funding request.

    That is the answer to "everyone assumes projects are funded anyway" (§1):
    launching is where the missing request becomes visible.
    """
    from budgets.models import FundingRequest

    if not campaign.planned_cost or campaign.planned_cost <= 0:
        return None
    if FundingRequest.objects.filter(campaign_id=campaign.pk).funded().exists():
        return None
    return _(
        "The campaign has a planned cost, so it needs at least one approved funding request before it can "
        "become active. Ask for the money first (Budgets → Funding requests)."
    )
