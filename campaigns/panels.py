"""Sections other apps add to the campaign page.

Campaigns sit below budgets and materials, so the campaign page cannot name
their views. An app registers a panel (a URL name taking the campaign's pk
as ``campaign_pk``, and a title) in its ``AppConfig.ready()``; the page loads
each panel with htmx, and the panel's own view checks who may see what.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class CampaignPanel:
    url_name: str
    title: str | Promise
    order: int = 100


_PANELS: list[CampaignPanel] = []


def register_campaign_panel(panel: CampaignPanel) -> CampaignPanel:
    """Add a panel to every campaign page (idempotent)."""
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def campaign_panels(campaign) -> list[dict]:
    """The registered panels of this campaign's page, with their URLs, in order."""
    return [
        {"title": panel.title, "url": reverse(panel.url_name, kwargs={"campaign_pk": campaign.pk})}
        for panel in sorted(_PANELS, key=lambda panel: panel.order)
    ]
