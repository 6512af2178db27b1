"""Fixtures for the single sign-on tests: MRM's settings pointed at a provider (real or named)."""

from __future__ import annotations

import pytest

from accounts.sso import forget_discovery
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET

ROLE_MAP = {"mrm-marketing": ["marketer"], "mrm-cmo": ["approver", "leadership"], "mrm-admins": ["admin"]}
TEAM_MAP = {"mrm-brand": ["Brand"], "mrm-events": ["Events"]}


def sso_on(settings, *, discovery_url: str = "", endpoints: dict[str, str] | None = None, **extra) -> None:
    """Single sign-on on, as the environment variables would set it."""
    endpoints = endpoints or {}
    settings.MRM_SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = discovery_url
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = endpoints.get("authorization", "")
    settings.OIDC_OP_TOKEN_ENDPOINT = endpoints.get("token", "")
    settings.OIDC_OP_USER_ENDPOINT = endpoints.get("userinfo", "")
    settings.OIDC_OP_JWKS_ENDPOINT = endpoints.get("jwks", "")
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUP_ROLES = ROLE_MAP
    settings.OIDC_GROUP_TEAMS = TEAM_MAP
    for name, value in extra.items():
        setattr(settings, name, value)
    forget_discovery()


@pytest.fixture(autouse=True)
def _forget_discovery():
    forget_discovery()
    yield
    forget_discovery()
