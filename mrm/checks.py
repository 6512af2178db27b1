"""System checks of the MRM platform (run by ``manage.py check`` and at start-up by ``migrate``/``runserver``).

Production answers requests with links built from the request, but background
work — e-mails from Celery, reminders, report subscriptions — only knows the
configured site address ``MRM_BASE_URL``. Left at its default it points to
``127.0.0.1:8000``: every link in those e-mails would lead nowhere, silently.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register
from django.http.request import validate_host

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 - names to refuse, nothing listens


@register()
def check_site_url(app_configs=None, **kwargs) -> list[Warning]:
    """Under production settings, ``MRM_BASE_URL`` must be the public https address this site serves."""
    if not getattr(settings, "MRM_PRODUCTION", False):
        return []
    base_url = settings.MRM_BASE_URL
    parts = urlsplit(base_url)
    if not base_url or parts.hostname in LOOPBACK_HOSTS:
        return [
            Warning(
                f"MRM_BASE_URL is {base_url or 'empty'}: links in background e-mails "
                "(notifications, reminders, report subscriptions) would point to this machine.",
                hint="Set MRM_BASE_URL to the address people open MRM at, e.g. https://mrm.example.com.",
                id="mrm.W001",
            )
        ]
    if parts.scheme != "https" or not validate_host(parts.hostname or "", settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"MRM_BASE_URL {base_url} is not an https address of a host in DJANGO_ALLOWED_HOSTS: "
                "links in background e-mails would lead elsewhere than this site.",
                hint="Use the public https address this site serves, e.g. https://mrm.example.com.",
                id="mrm.W002",
            )
        ]
    return []
