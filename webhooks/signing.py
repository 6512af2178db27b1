"""Standard Webhooks signatures (https://www.standardwebhooks.com).

Every request carries ``webhook-id`` (the message's id, the same on every
retry and redelivery), ``webhook-timestamp`` (Unix seconds of this attempt)
and ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``
keyed with the secret's base64-decoded bytes (a secret reads ``whsec_<base64>``).
While a rotated-out secret is still valid, one signature per secret is sent,
separated by spaces, as the specification allows, so receivers can switch at
their own pace.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 24


def new_secret() -> str:
    """A fresh random secret, ``whsec_`` and 24 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(*, secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    """One ``v1,<signature>`` for one secret."""
    if isinstance(body, bytes):
        body = body.decode()
    content = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(*, secrets: list[str], msg_id: str, timestamp: int, body: str | bytes) -> str:
    """The ``webhook-signature`` value: one signature per valid secret, space-separated."""
    return " ".join(sign(secret=s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets if s)


def verify(*, secret: str, msg_id: str, timestamp: int, body: str | bytes, header: str) -> bool:
    """What a receiver does: does any ``v1`` signature of the header match this secret? (docs, tests)."""
    expected = sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split(" ") if candidate)
