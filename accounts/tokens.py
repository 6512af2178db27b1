"""API tokens (PRODUCT.md §8): issued with a name and an expiry, stored as a keyed hash, revocable.

A token is a password an integration keeps for months; a leaked one must be
something its owner can take back, and it must not work for ever. So:

- each token has a **name** (which integration holds it) and an **expiry**
  (``MRM_TOKEN_DAYS`` after issue, 90 by default); an expired token is
  refused with a 401 that says so;
- only an HMAC-SHA256 of the key under the secret key is stored: the key is
  shown once, when issued, and a database copy holds no working token;
- the owner lists and revokes his tokens (profile page, ``/api/v1/auth/tokens/``);
  an admin revokes anyone's (Django admin), and deactivating a user revokes
  all of his, so reactivating him later brings none of them back.

Rotating ``DJANGO_SECRET_KEY`` invalidates every token, as it ends every
session; an old key listed in ``SECRET_KEY_FALLBACKS`` keeps them working.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User

#: Keys start with this, so secret scanners (and people) recognise a leaked MRM token.
KEY_PREFIX = "mrm_"
#: How much of the key is kept in clear, for its owner to tell his tokens apart.
SHOWN_PREFIX_LENGTH = 12
#: The name of a token nobody named (``POST /api/v1/auth/token/`` without ``name``; migrated tokens).
DEFAULT_NAME = "Token"
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
#: ``last_used_at`` is written at most this often per token: one cheap UPDATE, not one per request.
LAST_USED_INTERVAL = timedelta(minutes=1)
_HMAC_SALT = "mrm.accounts.api-token"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str, *, secret: str | bytes | None = None) -> str:
    """The stored form of a key: HMAC-SHA256 under the secret key (or ``secret``)."""
    return salted_hmac(_HMAC_SALT, key, secret=secret, algorithm="sha256").hexdigest()


def key_digests(key: str) -> list[str]:
    """The digests a key may be stored under: the current secret key first, then its fallbacks."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [key_digest(key, secret=secret) for secret in secrets_in_use]


def token_lifetime() -> timedelta:
    return timedelta(days=settings.MRM_TOKEN_DAYS)


def can_revoke_tokens_of(by, owner: User) -> bool:
    """A user takes back his own tokens; an admin takes back anyone's (a leaver's, a leaked one)."""
    if by is None or not getattr(by, "is_authenticated", False):
        return False
    return by.pk == owner.pk or by.is_mrm_admin


def _encodable(text: str) -> bool:
    """A lone surrogate (``"\\ud800"`` in JSON) cannot be stored: refused, not a 500 from the database."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued, with its key: the only moment the key exists outside the client."""

    token: ApiToken
    key: str


def token_issue(*, user: User, name: str = "", now: datetime | None = None) -> IssuedToken:
    """Issue a new token for ``user``, valid for ``MRM_TOKEN_DAYS``; the key is returned once and never stored.

    Every sign-in through the API issues a fresh token (the old ones stay
    until they expire or are revoked): with only a hash stored there is no
    old key to hand back.
    """
    name = (name or "").strip() or DEFAULT_NAME
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("A token name has at most %(max)s characters.") % {"max": NAME_MAX_LENGTH}}, code="max_length"
        )
    if "\x00" in name or not _encodable(name):
        raise ValidationError(
            {"name": _("A token name cannot contain a NUL character or broken characters.")}, code="invalid"
        )
    if not user.is_active:
        raise ValidationError(_("An inactive user gets no API token."), code="inactive")
    now = now or timezone.now()
    key = generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:SHOWN_PREFIX_LENGTH],
        digest=key_digest(key),
        created_at=now,
        expires_at=now + token_lifetime(),
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke one token: from the next request on it authenticates nobody.

    Its owner or an admin may; revoking twice changes nothing (the first
    revocation, with its author and time, is what the record keeps).
    """
    if not can_revoke_tokens_of(by, token.user):
        raise PermissionDenied(_("Only the token's owner or an administrator may revoke it."))
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    token.revoked_at, token.revoked_by = locked.revoked_at, locked.revoked_by
    return locked


def user_tokens_revoke(*, user: User, by) -> int:
    """Revoke every token of ``user`` not revoked yet; returns how many.

    Deactivation calls it (``accounts.services``), so a deactivated user's
    tokens stay dead if he is ever reactivated; admins call it from the
    Django admin. One UPDATE, safe to run twice.
    """
    if not can_revoke_tokens_of(by, user):
        raise PermissionDenied(_("Only the user or an administrator may revoke these tokens."))
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)


class TokenRefused(Exception):
    """A key that authenticates nobody, with the reason its holder reads (a 401)."""


def token_authenticate(key: str, *, now: datetime | None = None) -> ApiToken:
    """The token of ``key`` with its user, if it is in force; else :class:`TokenRefused` saying why.

    One query (the token with its user), plus at most one UPDATE a minute
    for ``last_used_at``.
    """
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest__in=key_digests(key)).first()
    if token is None:
        raise TokenRefused(_("Invalid token."))
    if token.revoked_at is not None:
        raise TokenRefused(_("This token was revoked. Sign in again for a new one."))
    if token.expires_at <= now:
        raise TokenRefused(
            _("This token expired on %(date)s. Sign in again for a new one.")
            % {"date": token.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")}
        )
    if not token.user.is_active:
        raise TokenRefused(_("User inactive or deleted."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
