"""htmx helpers: one view serves the whole page and its fragment."""

from __future__ import annotations

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of a page (not a boosted navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def page_or_fragment(request: HttpRequest, page: str, fragment: str) -> str:
    """The template to render: the fragment for htmx swaps, else the full page."""
    return fragment if is_fragment_request(request) else page
