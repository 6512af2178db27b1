"""What a user still holds, and how to hand it over (PRODUCT.md §7, "Ownership").

accounts is the lowest floor: it knows no campaign, approval or funding
request. Each app that gives users things to hold registers a *holdings
provider* in its ``AppConfig.ready()``::

    register_holdings_provider(
        "campaigns.owned",
        _("Campaigns owned"),
        lambda user: Campaign.objects.filter(owner=user, status__in=OPEN_STATUSES),
        reassign=reassign_owned_campaigns,
        counts=lambda user_ids: ...,
    )

Deactivation asks every provider and refuses while anything is held;
the handover moves each kind to its new holder inside one transaction.

Some things are worth handing over but leave nobody stranded when their
holder goes (a team's champion role while the team has other champions): a
provider says so with ``blocking(item) -> bool``. Such items are listed and
moved by the handover like the others, but only blocking items refuse a
deactivation. ``description`` tells the handover screen what moving this
kind does (e.g. that the new holder joins a team).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# provider(user) -> the things the user holds (a queryset or a list of model instances)
Provider = Callable[[Any], Iterable[Any]]
# reassign(from_user, to_user, by) -> how many things moved; runs inside the handover's
# transaction, locks its rows, raises ValidationError when the move is impossible.
Reassign = Callable[[Any, Any, Any], int]
# counts(user_ids) -> {user_id: number held}, in a fixed number of queries (one or two), for lists of users
Counts = Callable[[list[int]], dict[int, int]]
# blocking(item) -> whether this item alone keeps its holder from being deactivated
Blocking = Callable[[Any], bool]


@dataclass(frozen=True)
class HoldingsProvider:
    key: str
    label: str | Promise
    provider: Provider
    reassign: Reassign
    counts: Counts
    order: int = 100
    blocking: Blocking | None = None
    description: str | Promise = ""

    def blocks(self, item) -> bool:
        return self.blocking is None or bool(self.blocking(item))


@dataclass(frozen=True)
class Holding:
    """One kind of thing a user holds: what it is called, the items, and how to move them."""

    kind: str
    label: str | Promise
    items: list
    provider: HoldingsProvider

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def description(self) -> str | Promise:
        return self.provider.description

    @property
    def blocking_items(self) -> list:
        """The items that keep their holder from being deactivated (all of them, unless the provider says)."""
        return [item for item in self.items if self.provider.blocks(item)]

    def reassign(self, from_user, to_user, by) -> int:
        return self.provider.reassign(from_user, to_user, by)


_PROVIDERS: dict[str, HoldingsProvider] = {}


def register_holdings_provider(
    key: str,
    label: str | Promise,
    provider: Provider,
    *,
    reassign: Reassign,
    counts: Counts,
    order: int = 100,
    blocking: Blocking | None = None,
    description: str | Promise = "",
) -> HoldingsProvider:
    """Register (or replace) what one kind of holding is; called from an app's ``ready()``."""
    registered = HoldingsProvider(key, label, provider, reassign, counts, order, blocking, description)
    _PROVIDERS[key] = registered
    return registered


def unregister_holdings_provider(key: str) -> None:
    _PROVIDERS.pop(key, None)


def holdings_providers() -> list[HoldingsProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


def get_holdings_provider(key: str) -> HoldingsProvider | None:
    return _PROVIDERS.get(key)


def holdings_of(user) -> list[Holding]:
    """Every kind of thing ``user`` still holds (kinds with nothing are left out), in registry order."""
    found = []
    for registered in holdings_providers():
        items = list(registered.provider(user))
        if items:
            found.append(Holding(registered.key, registered.label, items, registered))
    return found


def deactivation_blockers(user) -> list[Holding]:
    """What keeps ``user`` from being deactivated: each kind with only its blocking items, kinds without any left out.

    Deactivation (every path) asks this, not :func:`holdings_of`: a holding
    that strands nobody (a co-champion's role) is handed over but does not
    refuse a deactivation.
    """
    found = []
    for holding in holdings_of(user):
        blocking = holding.blocking_items
        if blocking:
            found.append(Holding(holding.kind, holding.label, blocking, holding.provider))
    return found


def holding_counts(user_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{user_id: {kind: count}} for many users: a query or two per kind, whatever the number of users."""
    ids = list(user_ids)
    result: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    if not ids:
        return result
    for registered in holdings_providers():
        for pk, count in registered.counts(ids).items():
            if count and pk in result:
                result[pk][registered.key] = count
    return result
