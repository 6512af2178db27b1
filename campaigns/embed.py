"""Header policies for the calendar pages.

* The public calendar is the only page of campaigns another site may frame,
  and only the sites in ``MRM_EMBED_FRAME_ANCESTORS`` (CSP ``frame-ancestors``,
  through the platform's :func:`mrm.security.frame_ancestors_allow_list`);
  every other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
* FullCalendar injects its stylesheet as a ``<style>`` element. Instead of
  allowing inline styles everywhere, calendar pages add a per-response CSP
  nonce to ``style-src`` and hand it to FullCalendar through
  ``<meta name="csp-nonce">``; scripts stay ``'self'`` only.
"""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update

from mrm.security import embed_frame_ancestors, frame_ancestors_allow_list


def calendar_styles(view):
    """Allow FullCalendar's injected <style> element through a per-response nonce."""
    return csp_update({"style-src": [NONCE]})(view)


def embeddable(view):
    """The public calendar: framable by the allow-list, with FullCalendar's styles."""
    return frame_ancestors_allow_list(calendar_styles(view))


def frame_ancestors() -> list[str]:
    """The sites allowed to frame the public calendar (shown on the admin's snippet page)."""
    return embed_frame_ancestors()
