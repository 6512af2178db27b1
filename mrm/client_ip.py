"""The one place MRM reads a request's client address.

Behind a reverse proxy every request comes from the proxy's address, and the
real client is named in ``X-Forwarded-For``. That header is written by
whoever sends the request, so it is believed only when the connecting
address (``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES`` (addresses
or CIDR networks, from the environment variable of that name; empty by
default: the header is ignored and the connecting address is the client).

The header is read from the right, as the proxies appended to it: each hop
that is itself a trusted proxy passes the question on to the hop before it,
and the first untrusted hop is the client. An attacker may prepend whatever
he likes; the addresses his request really came through are at the end.

Everything that keys on the client address uses :func:`client_ip`: the
sign-in lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``), the per-address
sign-in throttle (``accounts.throttling``) and the API's rate throttles
(:class:`ClientAddressThrottleMixin`). DRF's own ``get_ident`` is held to the
connecting address too (``NUM_PROXIES = 0`` in the settings), so a throttle
that forgets the mixin never believes the header.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in configured)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES holds something that is not an address or a network: {exc}"
        ) from exc


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_address(value: str) -> Address | None:
    """An address as a proxy writes it, or None: ``203.0.113.9``, ``[2001:db8::1]:443``, ``203.0.113.9:5123``."""
    value = (value or "").strip().strip('"')
    if not value:
        return None
    if value.startswith("["):  # [v6] or [v6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1, or one client would count as two
    return address


def is_trusted_proxy(address: Address, networks: tuple[Network, ...] | None = None) -> bool:
    networks = trusted_networks() if networks is None else networks
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent ``request`` (a Django or DRF request).

    ``X-Forwarded-For`` counts only when ``REMOTE_ADDR`` is a trusted proxy;
    then the rightmost hop that is not a trusted proxy is the client. A hop
    that is not an address stops the walk at the last trusted proxy.
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    raw_remote = request.META.get("REMOTE_ADDR", "") or ""
    remote = parse_address(raw_remote)
    if remote is None:
        return raw_remote.strip()
    networks = trusted_networks()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not networks or not is_trusted_proxy(remote, networks):
        if forwarded and any(remote in network for network in _PROXY_LIKE if remote.version == network.version):
            _warn_untrusted_proxy(remote)
        return str(remote)
    client = remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            break
        client = address
        if not is_trusted_proxy(address, networks):
            break
    return str(client)


_warned: set[str] = set()
#: Where a reverse proxy usually sits: loopback and the private networks (RFC 1918, unique local IPv6).
_PROXY_LIKE = tuple(
    ipaddress.ip_network(net)
    for net in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)


def _warn_untrusted_proxy(remote: Address) -> None:
    """Once per address and process: a private address forwarding requests looks like a proxy nobody listed.

    Then every user shares that address, and the lockout and the throttles
    treat them as one client (docs/DEPLOY.md, "Reverse proxy").
    """
    if str(remote) in _warned:
        return
    _warned.add(str(remote))
    logger.warning(
        "Requests from %s carry X-Forwarded-For, but %s is not in TRUSTED_PROXIES: every client behind it "
        "counts as %s for the sign-in lockout and throttles. List the proxy in TRUSTED_PROXIES (docs/DEPLOY.md).",
        remote,
        remote,
        remote,
    )


class ClientAddressThrottleMixin:
    """For DRF throttles: identify an anonymous caller by :func:`client_ip`, never by a header anyone can send."""

    def get_ident(self, request):
        return client_ip(request)
