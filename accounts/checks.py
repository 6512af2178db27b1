"""System checks of the sign-in configuration: single sign-on half set up fails loudly, at start.

Run by ``manage.py check`` (and ``migrate``, ``runserver``); docs/INTEGRATIONS.md
lists the variables. Nothing here reaches the provider: an unreachable discovery
document is reported on the login page and in the log when it is first needed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register

from accounts.choices import Role

_PROVIDER_SETTINGS = (
    "OIDC_OP_DISCOVERY_URL",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register()
def check_single_sign_on(app_configs=None, **kwargs) -> list:
    from accounts.sso import uses_public_key

    problems: list = []
    if not settings.MRM_SSO_ENABLED:
        if settings.MRM_LOCAL_LOGIN == "admins":
            problems.append(
                Error(
                    "MRM_LOCAL_LOGIN=admins while single sign-on is off: nobody but administrators could sign in.",
                    hint="Set OIDC_RP_CLIENT_ID and the provider's settings, or MRM_LOCAL_LOGIN=all.",
                    id="accounts.E001",
                )
            )
        stray = [name for name in (*_PROVIDER_SETTINGS, "OIDC_RP_CLIENT_SECRET") if getattr(settings, name, "")]
        if stray or settings.OIDC_GROUP_ROLES or settings.OIDC_GROUP_TEAMS:
            problems.append(
                Warning(
                    "Single sign-on is configured in part but off: OIDC_RP_CLIENT_ID is not set.",
                    hint="Set OIDC_RP_CLIENT_ID to the client id registered at the identity provider.",
                    id="accounts.W001",
                )
            )
        return problems

    if not settings.OIDC_RP_CLIENT_SECRET:
        problems.append(
            Error(
                "Single sign-on is on but OIDC_RP_CLIENT_SECRET is not set.",
                hint="Set it to the client secret the identity provider issued for MRM.",
                id="accounts.E002",
            )
        )
    if not settings.OIDC_OP_DISCOVERY_URL:
        needed = ["OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT"]
        if uses_public_key():
            needed.append("OIDC_OP_JWKS_ENDPOINT")
        missing = [name for name in needed if not getattr(settings, name)]
        if missing:
            problems.append(
                Error(
                    f"Single sign-on is on but {', '.join(missing)} not set, and there is no OIDC_OP_DISCOVERY_URL.",
                    hint="Set OIDC_OP_DISCOVERY_URL to the provider's .well-known/openid-configuration, "
                    "or every endpoint variable.",
                    id="accounts.E003",
                )
            )
    if not settings.OIDC_RP_SIGN_ALGO.upper().startswith(("RS", "ES", "PS", "HS")):
        problems.append(
            Error(
                f"OIDC_RP_SIGN_ALGO={settings.OIDC_RP_SIGN_ALGO} is not a JWS algorithm MRM can check.",
                hint="Use the algorithm the provider signs ID tokens with: RS256 (most providers) or HS256.",
                id="accounts.E004",
            )
        )
    unknown = sorted({role for roles in settings.OIDC_GROUP_ROLES.values() for role in roles} - set(Role.values))
    if unknown:
        problems.append(
            Error(
                f"OIDC_GROUP_ROLES names unknown roles: {', '.join(unknown)}.",
                hint=f"MRM's roles are {', '.join(Role.values)}.",
                id="accounts.E005",
            )
        )
    if getattr(settings, "MRM_PRODUCTION", False):
        plain = [
            name
            for name in _PROVIDER_SETTINGS
            if getattr(settings, name) and urlsplit(getattr(settings, name)).scheme != "https"
        ]
        if plain or not settings.OIDC_VERIFY_SSL:
            problems.append(
                Warning(
                    "Single sign-on talks to the identity provider without checked HTTPS "
                    f"({', '.join(plain) or 'OIDC_VERIFY_SSL=false'}).",
                    hint="Use the provider's https addresses and keep OIDC_VERIFY_SSL on.",
                    id="accounts.W002",
                )
            )
    return problems
