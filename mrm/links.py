"""Absolute links: where an address that leaves the page (a feed, an e-mail, an embed) points to.

A link made while answering a request is built from that request, so it names
the host and scheme the person actually used (behind the proxy: the ``Host``
header, checked against ``ALLOWED_HOSTS``, and ``X-Forwarded-Proto``). Work
without a request — background e-mails, reminders, report subscriptions — has
only the configured site address, ``MRM_BASE_URL``; production warns at
start-up while that is unset (``mrm.checks``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest | None = None) -> str:
    """The site's address without a trailing slash: the request's own, else the configured one."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.MRM_BASE_URL


def absolute_url(path: str, *, request: HttpRequest | None = None) -> str:
    """``path`` (starting with ``/``) as an absolute address on this site."""
    return site_url(request) + path
