"""Lockout and throttling keyed on the real client address (issue 15 item 7).

Findings this answers: behind the reverse proxy every user shared the proxy's
address, so an attacker's failed logins for a user locked that user out for
everyone; and the login throttle believed X-Forwarded-For from any client, so
a password spray that changed it on each try was never throttled.
"""

import datetime as dt
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from accounts import throttling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/api/v1/auth/token/"
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"


@pytest.fixture
def behind_proxy(settings):
    """The documented deployment: an HTTPS proxy on the private network forwards every request."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


@pytest.fixture
def small_address_limit(settings):
    settings.MRM_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    return 8


def via_proxy(client_address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def login_form(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def token_api(username, password, **extra):
    return APIClient().post(SIGN_IN, {"username": username, "password": password}, format="json", **extra)


# --- finding 1: behind the proxy, an attacker locks a user out only for himself -----------------


def test_behind_the_proxy_an_attackers_failures_do_not_lock_the_user_out(
    client, marketer, password, settings, behind_proxy
):
    # given an attacker who fails the limit of times for the marketer, through the proxy
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_form(client, "marketer", "guess", **via_proxy(ATTACKER))
    # then the attacker is locked out for that user, even with the right password
    locked = login_form(client, "marketer", password, **via_proxy(ATTACKER))
    assert locked.status_code == 403
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # when the marketer signs in from his own address, through the same proxy
    response = login_form(client, "marketer", password, **via_proxy(VICTIM))
    # then he is in
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert AccessAttempt.objects.get().ip_address == ATTACKER  # the lockout names the attacker's address


def test_behind_the_proxy_the_token_endpoint_locks_only_the_attackers_address(
    marketer, password, settings, behind_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_api("marketer", "guess", **via_proxy(ATTACKER))
    assert token_api("marketer", password, **via_proxy(ATTACKER)).status_code == 403
    assert token_api("marketer", password, **via_proxy(VICTIM)).status_code == 200


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lockout(client, marketer, password, settings):
    # given an attacker connecting directly, who claims a new address on every try
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_form(client, "marketer", "guess", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # then the lockout counted his real address all along
    response = login_form(client, "marketer", password, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 403
    # and the marketer, from his own address, is not locked
    assert login_form(client, "marketer", password, REMOTE_ADDR=VICTIM).status_code == 302


# --- finding 2: a spray from one address is throttled, whatever the header says ----------------


def test_a_spray_with_a_new_forwarded_header_each_try_is_throttled(password, small_address_limit):
    # given many users and an attacker who tries one password for each, claiming a new address each time
    users = [UserFactory(username=f"sprayed-{n}", roles=["marketer"]) for n in range(small_address_limit + 4)]
    answers = [
        token_api(user.username, "Summer2026!", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n, user in enumerate(users)
    ]
    # then the first failures are answered as wrong passwords, the rest are throttled (429, with when to retry)
    statuses = [answer.status_code for answer in answers]
    assert statuses == [400] * small_address_limit + [429] * 4
    throttled = answers[-1]
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["detail"].startswith("Too many failed sign-in attempts from your network address.")
    # even the right password is throttled from that address
    assert token_api(users[0].username, password, REMOTE_ADDR=ATTACKER).status_code == 429
    # and no sprayed user is locked out: each signs in from his own address
    for n, user in enumerate(users):
        assert token_api(user.username, password, REMOTE_ADDR=f"198.51.100.{n + 1}").status_code == 200


def test_the_login_page_is_throttled_for_the_spraying_address(client, password, small_address_limit):
    users = [UserFactory(username=f"sprayed-{n}", roles=["marketer"]) for n in range(small_address_limit + 1)]
    for user in users[:small_address_limit]:
        assert login_form(client, user.username, "Summer2026!", REMOTE_ADDR=ATTACKER).status_code == 200
    # when the next try comes from the same address
    response = login_form(client, users[-1].username, password, REMOTE_ADDR=ATTACKER)
    # then the page says sign-in from this address is paused, and signs nobody in
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Sign-in from this address is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # while the same user signs in from elsewhere
    assert login_form(client, users[-1].username, password, REMOTE_ADDR=VICTIM).status_code == 302


def test_the_throttle_counts_the_real_client_behind_the_proxy(password, small_address_limit, behind_proxy):
    # given an attacker behind the proxy who also forges the header
    for n in range(small_address_limit):
        token_api(f"nobody-{n}", "guess", **via_proxy(f"192.0.2.{n}, {ATTACKER}"))
    # then his address is throttled, and everyone else behind the same proxy is not
    assert token_api("nobody", "guess", **via_proxy(f"192.0.2.99, {ATTACKER}")).status_code == 429
    UserFactory(username="colleague", roles=["marketer"])
    assert token_api("colleague", password, **via_proxy(VICTIM)).status_code == 200


def test_the_django_admin_login_is_throttled_too(client, small_address_limit):
    for n in range(small_address_limit):
        client.post("/admin/login/", {"username": f"nobody-{n}", "password": "guess"}, REMOTE_ADDR=ATTACKER)
    response = client.post("/admin/login/", {"username": "admin", "password": "guess"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count(client, marketer, password, small_address_limit):
    # given an office behind one address where people sign in all morning
    for _ in range(small_address_limit * 2):
        assert login_form(client, "marketer", password, REMOTE_ADDR=VICTIM).status_code == 302
        client.logout()
    for _ in range(small_address_limit * 2):
        assert token_api("marketer", password, REMOTE_ADDR="198.51.100.8").status_code == 200
    # then nothing was counted against either address
    assert throttling.failures(VICTIM) == 0 and throttling.failures("198.51.100.8") == 0
    # while a few typos are counted, and do not throttle
    login_form(client, "marketer", "typo", REMOTE_ADDR=VICTIM)
    assert throttling.failures(VICTIM) == 1


def test_the_pause_ends_with_the_window(marketer, password, small_address_limit, settings):
    start = timezone.now()
    with freeze_time(start):
        for n in range(small_address_limit):
            token_api(f"nobody-{n}", "guess", REMOTE_ADDR=ATTACKER)
        assert token_api("marketer", password, REMOTE_ADDR=ATTACKER).status_code == 429
    later = start + dt.timedelta(minutes=settings.MRM_LOGIN_ADDRESS_WINDOW_MINUTES, seconds=1)
    with freeze_time(later):
        assert token_api("marketer", password, REMOTE_ADDR=ATTACKER).status_code == 200


def test_the_pause_is_translated(client, small_address_limit):
    for n in range(small_address_limit + 1):
        response = login_form(client, f"nobody-{n}", "guess", REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа с вашего сетевого адреса" in response.content.decode()


def test_the_sign_in_rate_limit_ignores_a_forged_header(marketer, password):
    # given 30 successful token requests a minute from one address, each claiming another address
    answers = [
        token_api("marketer", password, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(31)
    ]
    # then the 31st is throttled: the rate is counted per real address
    assert [a.status_code for a in answers] == [200] * 30 + [429]
    assert token_api("marketer", password, REMOTE_ADDR=VICTIM).status_code == 200


def test_an_administrator_lifts_the_pause_of_an_address(small_address_limit, marketer, password):
    # given an office address paused after a spray from one of its machines
    for n in range(small_address_limit):
        token_api(f"nobody-{n}", "guess", REMOTE_ADDR=ATTACKER)
    assert token_api("marketer", password, REMOTE_ADDR=ATTACKER).status_code == 429
    # when an administrator looks, then lifts the pause
    out = StringIO()
    call_command("signin_throttle", ATTACKER, stdout=out)
    assert f"{ATTACKER}: {small_address_limit + 1} failed sign-in attempts counted" in out.getvalue()
    assert "paused" in out.getvalue()
    call_command("signin_throttle", ATTACKER, "--reset", stdout=out)
    # then sign-in from the address works again
    assert token_api("marketer", password, REMOTE_ADDR=ATTACKER).status_code == 200
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("signin_throttle", "office", stdout=out)


def test_with_the_shared_cache_down_sign_in_still_works(client, marketer, password, settings, caplog):
    # given the cache pointing at a Redis that is not running
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    # when the marketer signs in on the page and through the API
    with caplog.at_level("WARNING", logger="accounts.throttling"):
        page = login_form(client, "marketer", password, REMOTE_ADDR=VICTIM)
        api = token_api("marketer", password, REMOTE_ADDR=VICTIM)
    # then both work: the throttle steps aside and says so in the log
    assert page.status_code == 302 and api.status_code == 200
    assert any("cache is unreachable" in record.getMessage() for record in caplog.records)
    # and a wrong password is still a plain refusal, with the lockout counting it
    assert token_api("marketer", "guess", REMOTE_ADDR=VICTIM).status_code == 400
    assert AccessAttempt.objects.get(username="marketer").failures_since_start == 1
