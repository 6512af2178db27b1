"""Header policies for the calendar pages.

* The public calendar is the only page of MRM another site may frame, and only
  the sites in ``MRM_EMBED_FRAME_ANCESTORS`` (CSP ``frame-ancestors``); every
  other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
* FullCalendar injects its stylesheet as a ``<style>`` element. Instead of
  allowing inline styles everywhere, calendar pages add a per-response CSP
  nonce to ``style-src`` and hand it to FullCalendar through
  ``<meta name="csp-nonce">``; scripts stay ``'self'`` only.
"""

from __future__ import annotations

from functools import wraps

from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp_update
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt


def frame_ancestors() -> list[str]:
    """Sites allowed to frame the public calendar (the setting, else this site only)."""
    configured = getattr(settings, "MRM_EMBED_FRAME_ANCESTORS", None)
    if configured is None:
        return [SELF]
    return list(configured) or [NONE]


def calendar_styles(view):
    """Allow FullCalendar's injected <style> element through a per-response nonce."""
    return csp_update({"style-src": [NONCE]})(view)


def embeddable(view):
    """Let the allow-listed sites frame this view (and nobody else)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace["frame-ancestors"] = frame_ancestors()
        response._csp_replace = replace
        return response

    return xframe_options_exempt(calendar_styles(wrapped))
