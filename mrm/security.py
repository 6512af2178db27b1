"""Per-view exceptions to MRM's security headers, explicit and few.

Every page of MRM refuses to be framed (``X-Frame-Options: DENY`` and CSP
``frame-ancestors 'none'``, set in ``mrm/settings/base.py``). A page that is
meant for an ``<iframe>`` on another site (the public calendar, PRODUCT.md §3)
says so with :func:`frame_ancestors_allow_list`; the sites that may frame it
are the setting ``MRM_EMBED_FRAME_ANCESTORS`` (environment variable of the
same name, see ``.env.example``). The security gate
(``tests/gates/test_security.py``) fails for any other page that can be framed.
"""

from __future__ import annotations

from functools import wraps

from csp.constants import NONE
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt

#: The attribute the security gate looks for on a view allowed to be framed.
FRAMEABLE_MARKER = "mrm_frame_ancestors_allow_list"


def embed_frame_ancestors() -> list[str]:
    """The CSP ``frame-ancestors`` sources of embeddable pages; ``'none'`` when the list is empty."""
    return list(getattr(settings, "MRM_EMBED_FRAME_ANCESTORS", None) or []) or [NONE]


def frame_ancestors_allow_list(view):
    """Let the sites of ``MRM_EMBED_FRAME_ANCESTORS`` frame this view, and nobody else.

    Replaces the CSP ``frame-ancestors`` of this view's responses with the
    allow-list (read per response, so a changed setting applies at once) and
    drops ``X-Frame-Options``, whose ``DENY`` would otherwise win in browsers
    that honour it. For a class-based view use
    ``method_decorator(frame_ancestors_allow_list, name="dispatch")`` or wrap
    ``as_view()``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace["frame-ancestors"] = embed_frame_ancestors()
        response._csp_replace = replace
        return response

    exempt = xframe_options_exempt(wrapped)
    setattr(exempt, FRAMEABLE_MARKER, True)
    return exempt


def allows_framing(view) -> bool:
    """Whether a resolved view callable was declared embeddable with :func:`frame_ancestors_allow_list`."""
    seen = set()
    while view is not None and id(view) not in seen:
        if getattr(view, FRAMEABLE_MARKER, False):
            return True
        seen.add(id(view))
        view = getattr(view, "__wrapped__", None)
    return False
