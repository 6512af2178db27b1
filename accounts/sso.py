"""Single sign-on with OpenID Connect (issue 17 item 4; docs/INTEGRATIONS.md).

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE, the
ID token's signature); this module says who the person is in MRM:

- **Switched on** by ``OIDC_RP_CLIENT_ID`` (``settings.MRM_SSO_ENABLED``). The
  provider's endpoints come from its discovery document
  (``OIDC_OP_DISCOVERY_URL``: read on first use, kept for an hour, a clear
  message on the login page when it cannot be read) or from the endpoint
  variables, which win over the document where both are set.
- **Who**: the account linked to the provider's subject (``User.sso_subject``);
  else, at the first single sign-on, the one account with the claimed e-mail
  address (not when the provider says the address is unverified, nor when that
  account is already linked to another subject); else a new account.
- **Roles and teams** follow the provider's groups (claim
  ``OIDC_GROUPS_CLAIM``) through ``OIDC_GROUP_ROLES`` and ``OIDC_GROUP_TEAMS``,
  at every sign-on: the roles and teams named in those mappings are *managed*:
  a person gets exactly those his groups map to, and loses those his groups no
  longer map to. Roles and teams the mappings never name are left as
  administrators set them in MRM. Unknown groups are ignored. With a role
  mapping set, a person whose groups give him no role at all is refused (after
  his managed roles were removed), rather than signed in to an empty MRM.
- **Lockout**: the provider checks the password, so axes neither counts nor
  refuses a callback (:func:`is_sso_attempt`), and the per-address password
  throttle does not count it either.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.choices import Role
from accounts.models import Membership, Team, User
from accounts.services import team_get_or_create, user_set_roles

logger = logging.getLogger(__name__)

#: Seconds a discovery document is kept before it is read again (key rotations, moved endpoints).
DISCOVERY_MAX_AGE = 3600
_REFUSAL = "_mrm_sso_refusal"


class SSOUnavailable(Exception):
    """The provider's configuration cannot be had (discovery unreachable, endpoints missing)."""


class SSORefused(Exception):
    """The provider vouched for the person, but MRM does not let him in; the message says why, to him."""


# --- the provider -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_endpoint: str


_discovery_lock = threading.Lock()
_discovery_cache: dict[str, tuple[float, dict]] = {}


def forget_discovery() -> None:
    """Drop the kept discovery documents (tests; a provider that moved)."""
    with _discovery_lock:
        _discovery_cache.clear()


def discovery_document(url: str) -> dict:
    """The provider's ``.well-known/openid-configuration``, read once an hour per process.

    mozilla-django-oidc reads no discovery itself; without this the endpoints
    would have to be copied by hand. A failure is not kept: the next sign-in
    tries again.
    """
    now = time.monotonic()
    with _discovery_lock:
        kept = _discovery_cache.get(url)
        if kept and kept[0] > now:
            return kept[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.error("Single sign-on: the discovery document %s could not be read: %s", url, exc)
        raise SSOUnavailable(f"discovery document {url} could not be read: {exc}") from exc
    if not isinstance(document, dict):
        logger.error("Single sign-on: the discovery document %s is not a JSON object.", url)
        raise SSOUnavailable(f"discovery document {url} is not a JSON object")
    with _discovery_lock:
        _discovery_cache[url] = (now + DISCOVERY_MAX_AGE, document)
    return document


def provider() -> Provider:
    """The endpoints to use: the variables where set, the discovery document for the rest."""
    document: dict = {}
    explicit = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    if settings.OIDC_OP_DISCOVERY_URL and not all(explicit.values()):
        document = discovery_document(settings.OIDC_OP_DISCOVERY_URL)
    found = {key: value or str(document.get(key) or "") for key, value in explicit.items()}
    needed = ["authorization_endpoint", "token_endpoint", "userinfo_endpoint"]
    if uses_public_key():
        needed.append("jwks_uri")
    missing = [key for key in needed if not found[key]]
    if missing:
        logger.error("Single sign-on: the provider's %s is not configured.", ", ".join(missing))
        raise SSOUnavailable(f"missing {', '.join(missing)}")
    return Provider(
        authorization_endpoint=found["authorization_endpoint"],
        token_endpoint=found["token_endpoint"],
        userinfo_endpoint=found["userinfo_endpoint"],
        jwks_endpoint=found["jwks_uri"],
    )


def uses_public_key() -> bool:
    """RS*/ES*/PS* ID tokens are checked against the provider's published keys; HS* against the client secret."""
    return settings.OIDC_RP_SIGN_ALGO.upper().startswith(("RS", "ES", "PS"))


def unavailable_message() -> str:
    return _(
        "Single sign-on is not available right now: MRM could not reach the identity provider's configuration. "
        "Try again in a few minutes; if it persists, tell an administrator."
    )


# --- groups to roles and teams -------------------------------------------------------------------


def claim_groups(claims: dict) -> list[str]:
    """The person's groups at the provider: a list of names (or one name) in ``OIDC_GROUPS_CLAIM``."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, str)]


def _mapped(mapping: dict[str, list[str]], groups: list[str]) -> set[str]:
    return {name for group in groups for name in mapping.get(group, [])}


def managed_roles() -> set[str]:
    """The roles single sign-on decides: those the role mapping names."""
    return {role for roles in settings.OIDC_GROUP_ROLES.values() for role in roles}


def managed_team_names() -> set[str]:
    """The teams single sign-on decides: those the team mapping names."""
    return {team for teams in settings.OIDC_GROUP_TEAMS.values() for team in teams}


def _team(name: str) -> Team:
    """A mapped team by name or slug (case-insensitive); created when it does not exist yet."""
    team = Team.objects.filter(Q(name__iexact=name) | Q(slug__iexact=name)).order_by("pk").first()
    return team or team_get_or_create(name=name)


# --- the person --------------------------------------------------------------------------------

_USERNAME_BAD = re.compile(r"[^\w.@+-]")


def _free_username(claims: dict) -> str:
    """From ``preferred_username`` (else the e-mail's local part), made valid and unique."""
    wanted = claims.get("preferred_username") or str(claims.get("email", "")).split("@")[0] or "user"
    base = _USERNAME_BAD.sub("", str(wanted))[:140] or "user"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _find_user(subject: str, email: str, claims: dict) -> User | None:
    user = User.objects.filter(sso_subject=subject).first()
    if user is not None:
        return user
    same_address = list(User.objects.filter(email__iexact=email)[:2])
    if not same_address:
        return None
    if len(same_address) > 1:
        raise SSORefused(
            _("Several MRM accounts have the e-mail address %(email)s; an administrator must settle which is yours.")
            % {"email": email}
        )
    user = same_address[0]
    if user.sso_subject:
        raise SSORefused(
            _(
                "The MRM account with the e-mail address %(email)s is linked to another single sign-on identity; "
                "ask an administrator."
            )
            % {"email": email}
        )
    if claims.get("email_verified") is False:
        raise SSORefused(
            _(
                "Your identity provider has not verified the e-mail address %(email)s, so MRM cannot link it to "
                "the existing account; verify it at the provider, or ask an administrator."
            )
            % {"email": email}
        )
    return user


def _sync_roles(user: User, groups: list[str]) -> set[str]:
    managed = managed_roles()
    wanted = (set(user.roles) - managed) | (_mapped(settings.OIDC_GROUP_ROLES, groups) & set(Role.values))
    if wanted != set(user.roles):
        lost_admin = Role.ADMIN in user.roles and Role.ADMIN not in wanted
        user_set_roles(user=user, roles=sorted(wanted))
        if lost_admin and user.is_staff and not user.is_superuser:
            user.is_staff = False  # out of the Django admin with the role that let him in (§2)
            user.save(update_fields=["is_staff"])
    return wanted


def _sync_teams(user: User, groups: list[str]) -> None:
    managed = {name.casefold() for name in managed_team_names()}
    if not managed:
        return
    wanted = {_team(name).pk for name in _mapped(settings.OIDC_GROUP_TEAMS, groups)}
    held = Membership.objects.filter(user=user).select_related("team")
    for membership in held:
        in_managed = membership.team.name.casefold() in managed or membership.team.slug.casefold() in managed
        if in_managed and membership.team_id not in wanted:
            membership.delete()  # the membership history keeps who was in the team until when
    have = {membership.team_id for membership in held}
    for team_id in wanted - have:
        Membership.objects.get_or_create(user=user, team_id=team_id)
    user.__dict__.pop("team_ids", None)


def user_sync_from_claims(*, claims: dict) -> User:
    """The MRM user the provider's claims describe, created or brought up to date (roles, teams, name).

    Raises :class:`SSORefused` with the reason to show the person: no subject or
    no e-mail address, an ambiguous or already-linked address, an unverified
    address for an existing account, a deactivated account, no account while
    ``OIDC_CREATE_USER`` is off, or no role at all under a role mapping. In that
    last case the sync is kept: the roles his groups lost are gone, sign-in or not.
    """
    user, roles = _user_sync(claims)
    if settings.OIDC_GROUP_ROLES and not roles:
        raise SSORefused(_no_role_message())
    return user


@transaction.atomic
def _user_sync(claims: dict) -> tuple[User, set[str]]:
    subject = str(claims.get("sub") or "").strip()
    email = str(claims.get("email") or "").strip()
    if not subject or not email:
        raise SSORefused(
            _(
                "Your identity provider did not send your e-mail address, which MRM needs for your account. "
                "Ask an administrator to let MRM read it (the “email” scope)."
            )
        )
    groups = claim_groups(claims)
    user = _find_user(subject, email, claims)
    created = user is None
    if user is None:
        if not settings.OIDC_CREATE_USER:
            raise SSORefused(
                _("There is no MRM account for %(email)s; ask an administrator to create one.") % {"email": email}
            )
        if settings.OIDC_GROUP_ROLES and not (_mapped(settings.OIDC_GROUP_ROLES, groups) & set(Role.values)):
            raise SSORefused(_no_role_message())
        user = User.objects.create_user(_free_username(claims), email=email)
        user.display_name = str(claims.get("name") or "")[:150]
    elif not user.is_active:
        raise SSORefused(_("Your MRM account is deactivated; ask an administrator."))
    user.sso_subject = subject
    user.email = email
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.save()
    roles = _sync_roles(user, groups)
    _sync_teams(user, groups)
    logger.info(
        "Single sign-on %s %s: roles %s, groups %s.",
        "created" if created else "updated",
        user.username,
        ", ".join(sorted(roles)) or "none",
        ", ".join(groups) or "none",
    )
    return user, roles


def _no_role_message() -> str:
    return _(
        "Your groups at the identity provider give you no role in MRM, so you cannot sign in yet; "
        "ask an administrator to add you to an MRM group."
    )


# --- mozilla-django-oidc wiring --------------------------------------------------------------------


def _refuse(request, message: str) -> None:
    setattr(request, _REFUSAL, message)


def is_sso_attempt(request, credentials: dict | None = None) -> bool:
    """axes' whitelist: a single sign-on callback (no password; the provider checked it) is never locked out."""
    return bool(credentials) and "code_verifier" in credentials and not credentials.get("password")


class SSOBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with MRM's settings read when needed and MRM's user mapping.

    Listed in ``AUTHENTICATION_BACKENDS`` always, it answers only the provider's
    callback while single sign-on is on: never a username and password. Endpoints
    are looked up at the sign-in, not when the backend is made (Django makes one
    per request to restore a session).
    """

    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):  # no settings read here (see the class docstring)
        self.UserModel = User

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # the names mozilla-django-oidc reads
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider().jwks_endpoint

    def authenticate(self, request, **kwargs):
        if not settings.MRM_SSO_ENABLED or request is None or "password" in kwargs or "code_verifier" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SSORefused as refused:
            logger.warning("Single sign-on refused: %s", refused)
            _refuse(request, str(refused))
        except SSOUnavailable:
            _refuse(request, unavailable_message())
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as exc:
            logger.warning("Single sign-on failed: %s", exc)
            _refuse(request, _("Single sign-on did not succeed; please try again."))
        return None

    def verify_claims(self, claims) -> bool:
        return True  # user_sync_from_claims says what is missing, in words for the person

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub")) != str(payload.get("sub")):
            # OpenID Connect Core 5.3.2: userinfo about someone else than the ID token is refused.
            raise SuspiciousOperation("The userinfo subject is not the ID token's.")
        return user_sync_from_claims(claims={**payload, **claims})

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)


def refusal(request) -> str | None:
    return getattr(request, _REFUSAL, None)


def _login_url(request) -> str:
    next_url = request.GET.get("next") or request.session.get("oidc_login_next")
    url = reverse("accounts:login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SSOLoginView(OIDCAuthenticationRequestView):
    """The login page's button: off the provider's authorization endpoint with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not settings.MRM_SSO_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except SSOUnavailable:
            messages.error(request, unavailable_message())
            return HttpResponseRedirect(_login_url(request))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back; a refusal lands on the login page, saying why."""

    def get(self, request):
        if not settings.MRM_SSO_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:
            _refuse(request, _("This sign-in was already used or has expired; please sign in again."))
            return self.login_failure()

    def login_failure(self):
        request = self.request
        message = refusal(request)
        if not message and request.GET.get("error"):
            message = _("The identity provider did not sign you in (%(reason)s).") % {
                "reason": request.GET.get("error_description") or request.GET["error"]
            }
        messages.error(request, message or _("Single sign-on did not succeed; please try again."))
        return HttpResponseRedirect(reverse("accounts:login"))
