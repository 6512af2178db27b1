"""A password spray in parallel, on PostgreSQL and the shared Redis cache (issue 15 item 7).

Web workers are separate processes: the per-address failure count lives in
the shared cache (Redis in production), and each attempt reserves its place
there with one atomic increment. So however many attempts from one address
arrive at once, exactly the limit of them are checked, the rest are refused
with a 429, and no sprayed user is locked out.
"""

import uuid

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.test.utils import override_settings
from rest_framework.test import APIClient

from accounts import throttling
from tests.factories import UserFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ATTACKER = "203.0.113.9"
LIMIT = 10
ATTEMPTS = 30


@pytest.fixture
def shared_redis_cache():
    """The production cache: Redis at REDIS_URL, under a prefix of this test's own."""
    prefix = f"test-signin-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache, MRM_LOGIN_ADDRESS_FAILURE_LIMIT=LIMIT):
        assert type(caches["default"]).__name__ == "RedisCache"
        yield cache
        # this test's keys only (clear() would flush the whole Redis database)
        client = caches["default"]._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def attempt(index: int, username: str) -> int:
    """Half the attempts on the login page, half on the token endpoint: one count for both."""
    if index % 2:
        response = Client().post(
            "/accounts/login/", {"username": username, "password": "Winter2026!"}, REMOTE_ADDR=ATTACKER
        )
        return {200: 400}.get(response.status_code, response.status_code)  # the form's "wrong password" is a 200
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "Winter2026!"}, format="json", REMOTE_ADDR=ATTACKER
    )
    return response.status_code


def test_a_parallel_spray_from_one_address_checks_exactly_the_limit(shared_redis_cache, password):
    # given many users, and a spray of one wrong password each, all at once from one address
    users = [UserFactory(username=f"sprayed-{n}", roles=["marketer"]) for n in range(ATTEMPTS)]
    # when the attempts arrive together on the login page and the token endpoint
    outcomes = run_together([lambda n=n, u=u: attempt(n, u.username) for n, u in enumerate(users)])
    # then exactly the limit were checked (wrong password), the others were throttled
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [400] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    # the shared Redis counter holds every attempt of the window, and answers for every worker
    assert throttling.failures(ATTACKER) == ATTEMPTS
    assert shared_redis_cache.get(f"mrm:signin:failures:{ATTACKER}") == ATTEMPTS
    # no sprayed user is locked out: nobody reached the per-user limit, and each signs in from his own address
    assert not AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()
    for n, user in enumerate(users[:5]):
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": password},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        assert response.status_code == 200


def test_parallel_successes_from_one_office_leave_nothing_counted(shared_redis_cache, password):
    # given one office address where colleagues sign in at the same moment (as many as the limit)
    users = [UserFactory(username=f"colleague-{n}", roles=["marketer"]) for n in range(LIMIT)]

    def sign_in(user):
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": password},
            format="json",
            REMOTE_ADDR="198.51.100.50",
        )
        return response.status_code

    # when they all sign in together, twice over
    first = run_together([lambda u=u: sign_in(u) for u in users])
    second = run_together([lambda u=u: sign_in(u) for u in users])
    # then every one got a token each time: a success gives its place back, nothing stays counted
    assert first == second == [200] * LIMIT
    assert throttling.failures("198.51.100.50") == 0
