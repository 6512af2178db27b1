"""SSRF: internal addresses are refused unless listed in WEBHOOK_ALLOWED_HOSTS."""

import pytest

from webhooks import targets
from webhooks.targets import TargetRefused


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds to it
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_not_public(address):
    assert not targets.is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_internet_addresses_are_public(address):
    assert targets.is_public_address(address)


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/", "file:///etc/passwd", "gopher://x/", "http://", "https://user:pw@hooks.example.com/"],
)
def test_only_plain_http_and_https_urls(url, public_dns):
    with pytest.raises(TargetRefused):
        targets.check(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/"]
)
def test_literal_internal_addresses_are_refused(url, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(TargetRefused):
        targets.check(url)


def test_a_name_resolving_inside_is_refused(public_dns, settings):
    # given a name whose DNS answer includes a private address
    settings.WEBHOOK_ALLOWED_HOSTS = []
    public_dns["intranet.example.com"] = ["93.184.215.14", "10.0.0.7"]
    # then it is refused, naming the address
    with pytest.raises(TargetRefused, match="10.0.0.7"):
        targets.check("https://intranet.example.com/hook")


def test_listed_hosts_and_addresses_are_allowed(public_dns, settings):
    public_dns["crm.corp"] = ["10.0.0.8"]
    settings.WEBHOOK_ALLOWED_HOSTS = ["crm.corp", "127.0.0.1"]
    assert targets.check("https://crm.corp/hook").address == "10.0.0.8"
    assert targets.check("http://127.0.0.1:9000/x?y=1").path == "/x?y=1"


def test_a_public_name_is_pinned_to_the_address_checked(public_dns):
    target = targets.check("https://hooks.example.com:8443/in")
    assert (target.host, target.port, target.address, target.path) == (
        "hooks.example.com",
        8443,
        "93.184.215.14",
        "/in",
    )
