"""Launch guards: rules other apps add for a campaign to become ``active``.

Campaigns sit below budgets, so they cannot know that "a planned cost above
zero needs an approved funding request" (PRODUCT.md §3/§4). Instead budgets
registers a guard here in its ``AppConfig.ready()``; ``campaign_transition``
asks every guard before a campaign goes active and refuses with the guard's
message. A guard takes the (locked) campaign and returns an error message, or
``None`` when it has no objection.
"""

from __future__ import annotations

from collections.abc import Callable

LaunchGuard = Callable[[object], "str | None"]
_LAUNCH_GUARDS: list[LaunchGuard] = []


def register_launch_guard(guard: LaunchGuard) -> LaunchGuard:
    """Add a guard (idempotent, usable as a decorator)."""
    if guard not in _LAUNCH_GUARDS:
        _LAUNCH_GUARDS.append(guard)
    return guard


def unregister_launch_guard(guard: LaunchGuard) -> None:
    if guard in _LAUNCH_GUARDS:
        _LAUNCH_GUARDS.remove(guard)


def launch_objections(campaign) -> list[str]:
    """Every registered guard's objection to launching this campaign."""
    return [str(message) for guard in list(_LAUNCH_GUARDS) if (message := guard(campaign))]
