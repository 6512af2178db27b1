"""htmx helpers: one view serves the whole page and its fragment."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.cache import patch_vary_headers


def is_fragment_request(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of a page (not a boosted navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def page_or_fragment(request: HttpRequest, page: str, fragment: str) -> str:
    """The template to render: the fragment for htmx swaps, else the full page."""
    return fragment if is_fragment_request(request) else page


def vary_on_htmx(get_response):
    """Middleware: a page and its htmx fragment share one address, so caches must keep them apart.

    A filter bar pushes its filtered address into the history (``hx-push-url``) while htmx fetches the
    fragment from it; without ``Vary: HX-Request`` the browser's Back button to that address shows the
    cached fragment, a page without its head, instead of the page.
    """

    def middleware(request):
        response = get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response

    return middleware
