"""Where a webhook may send: SSRF checks at subscription and at delivery, and the pinned HTTP request.

A target must be ``http`` or ``https`` and every address its host resolves
to must be public: no private, loopback, link-local, multicast, reserved,
shared or unspecified address, IPv4 or IPv6 (an IPv4-mapped IPv6 address is
judged as the IPv4 address it carries). Hosts listed in
``WEBHOOK_ALLOWED_HOSTS`` (names or addresses) are exempt, for receivers on
the company network.

The check runs again at every delivery, after resolving the name, and the
request then connects to the very address that was checked (the ``Host``
header and the TLS server name stay the URL's): a name that resolves to a
public address at subscription and to an internal one later is refused, and
a second DNS answer between check and connect cannot slip in. Redirects are
never followed (a 3xx is a failed delivery), proxies from the environment
are not used, and each socket operation times out.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

RESPONSE_EXCERPT = 2000  # characters of the response body kept in the log


class TargetRefused(ValueError):
    """The URL may not be called (scheme, address, resolution)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the request connects to


def allowed_hosts() -> set[str]:
    return {host.strip().lower().strip("[]") for host in settings.WEBHOOK_ALLOWED_HOSTS if host.strip()}


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (what a webhook may reach by default)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return False
    return ip.is_global


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this to play a DNS server)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(_("The URL is not valid.")) from exc
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(_("Only http and https URLs can receive webhooks."))
    host = (parts.hostname or "").lower()
    if not host:
        raise TargetRefused(_("The URL has no host."))
    if parts.username or parts.password:
        raise TargetRefused(_("Put no user name or password in the URL; verify the signature instead."))
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port, path


def check(url: str) -> Target:
    """Resolve the URL's host and refuse it unless every address is public or the host is allowed."""
    scheme, host, port, path = parse(url)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise TargetRefused(_("The host %(host)s cannot be resolved.") % {"host": host}) from exc
    if not addresses:
        raise TargetRefused(_("The host %(host)s cannot be resolved.") % {"host": host})
    allowed = allowed_hosts()
    if host not in allowed and not allowed.intersection(addresses):
        inside = [address for address in addresses if not is_public_address(address)]
        if inside:
            raise TargetRefused(
                _("%(host)s points to an internal address (%(address)s); list it in WEBHOOK_ALLOWED_HOSTS to allow it.")
                % {"host": host, "address": inside[0]}
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked address, with the URL's host in the ``Host`` header."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate is verified against the URL's host name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Response:
    status: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


def post(target: Target, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST once to the checked address; never raises, the outcome is in the answer."""
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    started = time.monotonic()
    answer = Response()
    connection = cls(target.host, target.port, address=target.address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        reply = connection.getresponse()
        answer.status = reply.status
        answer.body = reply.read(RESPONSE_EXCERPT * 4).decode("utf-8", "replace")[:RESPONSE_EXCERPT]
        if 300 <= reply.status < 400:
            answer.error = _("Redirects are not followed (to %(location)s).") % {
                "location": (reply.getheader("Location") or "?")[:200]
            }
        elif not 200 <= reply.status < 300:
            answer.error = _("The receiver answered %(status)s.") % {"status": reply.status}
    except (OSError, http.client.HTTPException) as exc:
        answer.error = (f"{type(exc).__name__}: {exc}")[:500]
    finally:
        connection.close()
        answer.duration_ms = int((time.monotonic() - started) * 1000)
    return answer
