"""Per-request account work: the user's language and time zone, when they were last seen, sign-in throttling."""

import zoneinfo
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation

from accounts import throttling


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


class SignInThrottleMiddleware:
    """A sign-in refused for its address (``accounts.throttling``) answers 429 with the reason and ``Retry-After``.

    The login form would otherwise just say "wrong password"; the address's
    owner reads that sign-in from there is paused and for how long. The API's
    token endpoint answers its own 429 (a DRF ``Throttled``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not throttling.is_throttled(request) or response.status_code == 429:
            return response
        message = throttling.throttled_message(request)
        retry_after = str(throttling.seconds_left(throttling.client_ip(request)))
        if request.path.startswith("/api/"):
            throttled = JsonResponse({"detail": message}, status=429)
        else:
            throttled = render(request, "registration/throttled.html", {"message": message}, status=429)
        throttled["Retry-After"] = retry_after
        return throttled
