"""Sign-in throttled per client address: a password spray is slowed without locking anyone out.

The lockout (django-axes) counts failures per username *and* address: five
wrong passwords for one user from one address lock that user for that address
only. A spray tries a few passwords for many usernames from one address, so it
never reaches that limit. This throttle counts the failures of an address,
whatever the usernames: past ``MRM_LOGIN_ADDRESS_FAILURE_LIMIT`` failures within
``MRM_LOGIN_ADDRESS_WINDOW_MINUTES`` that address is refused (HTTP 429, with
``Retry-After``) until the window ends. No user is locked: the same people
sign in from any other address.

It guards every sign-in that goes through Django's ``authenticate()`` with a
request (the login page, the Django admin's login, ``POST /api/v1/auth/token/``)
because it is an authentication backend, placed before the ones that check
passwords (right after django-axes' lockout check): it refuses before any
password is checked. A sign-in without a password (the single sign-on
callback, ``accounts/sso.py``) is no password guess: it is neither counted nor
refused.

Counting is exact under parallel requests: each attempt first *reserves* a
place with one atomic increment in the shared cache (Redis in production, so
every web worker counts together), and is refused when its number is past the
limit; a successful sign-in gives its place back. So at most the limit of
attempts from one address are ever checked per window, however many arrive at
once, and at rest the counter holds the failures. The address is
:func:`mrm.client_ip.client_ip` (``X-Forwarded-For`` only from ``TRUSTED_PROXIES``).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle

from mrm.cache import CacheUnavailable
from mrm.client_ip import ClientAddressThrottleMixin, client_ip

logger = logging.getLogger(__name__)

#: The shared cache is down (Redis stopped): the throttle steps aside rather than turn every sign-in
#: into a 500; the per-user lockout (in the database) still holds.
CACHE_DOWN = (RedisError, OSError, CacheUnavailable)

_COUNT_KEY = "mrm:signin:failures:{address}"
_UNTIL_KEY = "mrm:signin:window-ends:{address}"
_RESERVED = "_mrm_signin_reserved"
THROTTLED = "mrm_signin_throttled"  # set on the request when the address was refused


def failure_limit() -> int:
    return settings.MRM_LOGIN_ADDRESS_FAILURE_LIMIT


def window_seconds() -> int:
    return settings.MRM_LOGIN_ADDRESS_WINDOW_MINUTES * 60


def _keys(address: str) -> tuple[str, str]:
    return _COUNT_KEY.format(address=address), _UNTIL_KEY.format(address=address)


def _reserve(address: str) -> int:
    """One more attempt for ``address``: its number within the current window (atomic in the cache)."""
    count_key, until_key = _keys(address)
    window = window_seconds()
    if cache.add(count_key, 0, timeout=window):
        cache.set(until_key, time.time() + window, timeout=window)
    try:
        return cache.incr(count_key)
    except CacheUnavailable:
        raise
    except ValueError:  # the window ended between add and incr: this attempt opens the next one
        cache.add(count_key, 0, timeout=window)
        cache.set(until_key, time.time() + window, timeout=window)
        return cache.incr(count_key)


def failures(address: str) -> int:
    """Failed (and in-flight) sign-in attempts counted for ``address`` in the current window."""
    return int(cache.get(_keys(address)[0]) or 0)


def seconds_left(address: str) -> int:
    """Until the address's window ends (what ``Retry-After`` says); the whole window if unknown."""
    try:
        until = cache.get(_keys(address)[1])
    except CACHE_DOWN:
        until = None
    if until is None:
        return window_seconds()
    return max(1, math.ceil(until - time.time()))


def attempt_begin(request) -> bool:
    """Reserve a sign-in attempt for the request's address; False when the address is past its limit."""
    address = client_ip(request)
    try:
        number = _reserve(address)
    except CACHE_DOWN as exc:
        logger.warning(
            "Sign-in throttle skipped, the cache is unreachable (%s); the per-user lockout still holds.", exc
        )
        return True
    if number > failure_limit():
        setattr(request, THROTTLED, True)
        return False
    setattr(request, _RESERVED, getattr(request, _RESERVED, 0) + 1)
    return True


def attempt_succeeded(request) -> None:
    """The sign-in succeeded: give the reserved place back, so successes never count (one per success)."""
    reserved = getattr(request, _RESERVED, 0)
    if not reserved:
        return
    setattr(request, _RESERVED, reserved - 1)
    with contextlib.suppress(ValueError, *CACHE_DOWN):  # the window ended meanwhile: nothing to give back
        cache.decr(_keys(client_ip(request))[0])


def is_throttled(request) -> bool:
    return bool(getattr(request, THROTTLED, False))


def throttled_message(request) -> str:
    minutes = math.ceil(seconds_left(client_ip(request)) / 60)
    return _(
        "Too many failed sign-in attempts from your network address. Sign-in from this address is paused; "
        "try again in %(minutes)s minutes."
    ) % {"minutes": minutes}


def reset(address: str) -> None:
    """Forget an address's failures (an administrator's shell, the tests)."""
    cache.delete_many(list(_keys(address)))


class AddressThrottleBackend:
    """Early in ``AUTHENTICATION_BACKENDS``: authenticates nobody, refuses a throttled address.

    Raising ``PermissionDenied`` stops ``authenticate()`` before any other
    backend checks the password, and Django then reports a failed sign-in as
    usual; the request carries :data:`THROTTLED`, which the login page
    (``accounts.middleware.SignInThrottleMiddleware``) and the token endpoint
    turn into a 429. Like axes' backend it has no ``get_user`` nor permission
    methods: it never holds a session nor answers for permissions.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or password is None:
            return None  # not a password guess (the single sign-on callback: the provider checked)
        if not attempt_begin(request):
            raise PermissionDenied(throttled_message(request))
        return None


def release_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a sign-in through ``login()`` succeeded, so it does not count as a failure."""
    if request is not None:
        attempt_succeeded(request)


class SignInRateThrottle(ClientAddressThrottleMixin, AnonRateThrottle):
    """The token endpoint's request rate per client address, successes included (minting tokens in bulk)."""

    scope = "signin"
    rate = "30/min"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_DOWN as exc:
            logger.warning("Sign-in rate limit skipped, the cache is unreachable (%s).", exc)
            return True
