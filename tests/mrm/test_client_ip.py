"""The client's address, read in one place (mrm/client_ip.py): X-Forwarded-For only from TRUSTED_PROXIES."""

import re
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from accounts.throttling import SignInRateThrottle
from mrm import env
from mrm.client_ip import client_ip

PROXY = "10.0.0.2"


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]


def test_without_trusted_proxies_the_header_is_ignored():
    # given the default: no trusted proxy
    assert settings.TRUSTED_PROXIES == []
    # when a client claims another address
    request = request_from("203.0.113.9", "198.51.100.1")
    # then its connecting address is the client
    assert client_ip(request) == "203.0.113.9"


def test_a_client_that_is_not_a_listed_proxy_cannot_choose_its_address(behind_proxy):
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_what_the_client_prepends_is_ignored(behind_proxy):
    # given an attacker who sends his own X-Forwarded-For, to which the proxy appends his real address
    request = request_from(PROXY, "1.2.3.4, 192.0.2.66, 198.51.100.7")
    # then the rightmost untrusted hop (written by the proxy) is the client
    assert client_ip(request) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.7, 10.1.2.3, 10.9.9.9")) == "198.51.100.7"


def test_only_trusted_hops_means_the_leftmost_one(behind_proxy):
    assert client_ip(request_from(PROXY, "10.1.2.3, 10.9.9.9")) == "10.1.2.3"


def test_a_proxy_without_the_header_is_the_client(behind_proxy):
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "")) == PROXY


def test_garbage_in_the_header_stops_at_the_last_trusted_hop(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.7, not-an-address")) == PROXY
    assert client_ip(request_from(PROXY, "not-an-address, 10.1.2.3")) == "10.1.2.3"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.7:51234", "198.51.100.7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0:0::7", "2001:db8::7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        (' "198.51.100.7" ', "198.51.100.7"),
    ],
)
def test_addresses_are_normalised(behind_proxy, forwarded, client):
    assert client_ip(request_from(PROXY, forwarded)) == client


def test_ipv6_proxies_and_ipv4_mapped_connecting_addresses(behind_proxy):
    assert client_ip(request_from("fd00::5", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("::ffff:10.0.0.2", "198.51.100.7")) == "198.51.100.7"


def test_a_proxy_nobody_listed_is_reported_once(caplog, monkeypatch):
    monkeypatch.setattr("mrm.client_ip._warned", set())
    # given a private address forwarding requests while TRUSTED_PROXIES is empty (a forgotten setting)
    with caplog.at_level("WARNING", logger="mrm.client_ip"):
        for _ in range(3):
            assert client_ip(request_from("172.18.0.9", "198.51.100.7")) == "172.18.0.9"
        # and a public client sending the header (nothing to configure)
        client_ip(request_from("203.0.113.9", "198.51.100.7"))
    # then the log says so, once, naming the address and the setting
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1, warnings
    assert "172.18.0.9" in warnings[0] and "TRUSTED_PROXIES" in warnings[0]


def test_the_environment_takes_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ,fd00::/8")
    assert env.get_networks("TRUSTED_PROXIES") == ["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"]
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert env.get_networks("TRUSTED_PROXIES") == []


@pytest.mark.parametrize("value", ["10.0.0.0/33", "proxy.example.com", "10.0.0.*"])
def test_a_mistyped_proxy_list_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env.get_networks("TRUSTED_PROXIES")


# --- one reader for everything that keys on the address ----------------------------------------


def test_the_lockout_reads_the_same_address(behind_proxy):
    # django-axes resolves the client through AXES_CLIENT_IP_CALLABLE
    request = request_from(PROXY, "1.2.3.4, 198.51.100.7")
    assert get_client_ip_address(request) == "198.51.100.7"
    assert get_client_ip_address(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_the_api_throttles_read_the_same_address(behind_proxy):
    # the sign-in rate throttle uses client_ip; any other DRF throttle sees the connecting address only
    request = request_from("203.0.113.9", "1.2.3.4")
    assert SignInRateThrottle().get_ident(request) == "203.0.113.9"
    assert SignInRateThrottle().get_ident(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"
    assert api_settings.NUM_PROXIES == 0
    assert AnonRateThrottle().get_ident(request) == "203.0.113.9"


PROJECT_DIRS = [
    "mrm",
    "accounts",
    "approvals",
    "budgets",
    "campaigns",
    "changes",
    "help",
    "materials",
    "notifications",
    "reports",
    "templates",
]
#: Code that reads the address: META keys, the header through request.headers, DRF's identification.
ADDRESS_READS = re.compile(
    r"REMOTE_ADDR|HTTP_X_FORWARDED|headers\s*(\.get\(|\[)\s*['\"]x-forwarded|get_ident\(|NUM_PROXIES", re.IGNORECASE
)


def test_nothing_else_reads_the_client_address():
    # given every source file of the project, settings aside (which only configure)
    base = Path(settings.BASE_DIR)
    readers = []
    for folder in PROJECT_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or path.name == "client_ip.py" or "settings" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ADDRESS_READS.search(line):
                    readers.append(f"{path.relative_to(base)}:{number}: {line.strip()}")
    # then only mrm/client_ip.py reads REMOTE_ADDR or X-Forwarded-For
    assert readers == [], "Read the client address through mrm.client_ip.client_ip:\n" + "\n".join(readers)
