"""Materials a user still holds, and how a handover moves them (PRODUCT.md §7).

A material is held while its review is unfinished (not approved, not
rejected) on an open campaign: someone must upload the next version or
answer the reviewers. Registered in ``MaterialsConfig.ready()``.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from accounts.holdings import register_holdings_provider
from accounts.messages import handover_reason
from campaigns.choices import OPEN_STATUSES
from materials.choices import ReviewStatus
from materials.models import Material

FINISHED = (ReviewStatus.APPROVED, ReviewStatus.REJECTED)


def open_materials():
    return Material.objects.filter(campaign__status__in=OPEN_STATUSES).exclude(status__in=FINISHED)


def counts(user_ids: list[int]) -> dict[int, int]:
    rows = open_materials().filter(owner__in=user_ids).order_by().values("owner").annotate(n=Count("pk"))
    return {row["owner"]: row["n"] for row in rows}


def reassign(from_user, to_user, by) -> int:
    """Lock the user's unfinished materials and give them to ``to_user``, in each material's history."""
    ids = list(open_materials().filter(owner=from_user).values_list("pk", flat=True))
    moved = 0
    for material in Material.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        material.owner = to_user
        material._history_user = by
        material._change_reason = handover_reason(from_user)
        material.save(update_fields=["owner", "updated_at"])
        moved += 1
    return moved


def register() -> None:
    register_holdings_provider(
        "materials.owned",
        gettext_lazy("Materials in review"),
        lambda user: open_materials().filter(owner=user).select_related("campaign").order_by("pk"),
        reassign=reassign,
        counts=counts,
        order=30,
    )
