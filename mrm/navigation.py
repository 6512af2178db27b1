"""The main navigation, in one place.

An entry shows only once its page exists (its URL name resolves), so the
menu never links to a feature that is not there yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


MAIN_NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Dashboard"), "dashboard"),
    NavItem(_("Campaigns"), "campaigns:list"),
    NavItem(_("Calendar"), "campaigns:calendar"),
    NavItem(_("Budgets"), "budgets:index"),
    NavItem(_("Approvals"), "approvals:inbox"),
    NavItem(_("Reports"), "reports:index"),
    # short in the menu (one line at 1280 px in Russian too); the page says "Change requests"
    NavItem(pgettext_lazy("main menu", "Changes"), "changes:list"),
    NavItem(_("Help"), "help:index"),
)


def resolved_navigation(current_path: str) -> list[dict]:
    """The entries whose pages exist, with their URL and whether they are current."""
    items = []
    for item in MAIN_NAVIGATION:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
