"""Report subscriptions a user owns, and how a handover moves them (PRODUCT.md §6, §7).

An active subscription keeps mailing its recipients; when its owner leaves,
someone must own it. Registered in ``ReportsConfig.ready()``.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy

from accounts.holdings import register_holdings_provider
from reports.models import ReportSubscription


def active_subscriptions():
    return ReportSubscription.objects.filter(active=True)


def counts(user_ids: list[int]) -> dict[int, int]:
    rows = active_subscriptions().filter(owner__in=user_ids).order_by().values("owner").annotate(n=Count("pk"))
    return {row["owner"]: row["n"] for row in rows}


def reassign(from_user, to_user, by) -> int:
    """Lock the user's active subscriptions and give them to ``to_user``."""
    ids = list(active_subscriptions().select_for_update().filter(owner=from_user).values_list("pk", flat=True))
    return ReportSubscription.objects.filter(pk__in=ids).update(owner=to_user)


def register() -> None:
    register_holdings_provider(
        "reports.subscriptions",
        gettext_lazy("Report subscriptions"),
        lambda user: active_subscriptions().filter(owner=user).order_by("name"),
        reassign=reassign,
        counts=counts,
        order=80,
    )
