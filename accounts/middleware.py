"""Per-request account work: the user's language and time zone, and when they were last seen."""

import zoneinfo
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """A user's saved language beats the browser's; their time zone formats every date."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.time_zone:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            else:
                timezone.deactivate()
        return self.get_response(request)


class LastSeenMiddleware:
    """Remember when each user was last active, for the adoption dashboard (PRODUCT.md §7).

    At most one cheap ``UPDATE`` per user per :data:`LAST_SEEN_INTERVAL`: the
    in-memory ``last_seen_at`` of the signed-in user decides, so most requests
    write nothing. It looks at the user *after* the view ran, because DRF
    authenticates API tokens inside the view (and sets ``request.user`` then),
    so integrations count as activity too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            record_last_seen(user)
        return response


LAST_SEEN_INTERVAL = timedelta(hours=1)


def record_last_seen(user, *, now=None) -> bool:
    """Write ``last_seen_at`` when the remembered value is missing or older than the interval.

    Returns whether it wrote. A queryset ``update()`` is one statement: no
    signals, no history row, no race with a concurrent profile save.
    """
    now = now or timezone.now()
    last_seen = user.last_seen_at
    if last_seen is not None and now - last_seen < LAST_SEEN_INTERVAL:
        return False
    get_user_model()._default_manager.filter(pk=user.pk).update(last_seen_at=now)
    user.last_seen_at = now
    return True
