"""Permission matrix rows of accounts: sign-in, passwords, profile, API tokens, users and teams."""

from accounts.tokens import token_issue
from tests.factories import UserFactory
from tests.support.matrix import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, PUBLIC, SIGNED_IN, Resource, Route, expect, only

NOWHERE = expect(NOT_ALLOWED, anonymous=NOT_ALLOWED)
ADMINS = only("admin")
#: One user's own object: his alone; anybody else's request is a 404 (its existence is nobody's business).
OWNER_ONLY = expect(NOT_FOUND, marketer=OK)

RESOURCES = [
    Resource(
        "sign-in and passwords",
        {
            "accounts:login": PUBLIC,  # signed-in users are sent on to the dashboard
            "accounts:logout": NOWHERE,  # GET must not sign anyone out
            "POST accounts:logout": expect(LOGIN, anonymous=LOGIN),  # signs out, back to the login page
            "accounts:password_change": SIGNED_IN,
            "accounts:password_change_done": SIGNED_IN,
            "accounts:password_reset": PUBLIC,
            "accounts:password_reset_done": PUBLIC,
            "accounts:password_reset_confirm": Route(PUBLIC, kwargs={"uidb64": "MQ", "token": "set-password"}),
            "accounts:password_reset_complete": PUBLIC,
            "POST /api/v1/auth/token/": PUBLIC,
            # single sign-on is off in the matrix's settings: its pages do not exist (tests/accounts/test_sso_*.py)
            "accounts:sso_login": expect(NOT_FOUND, anonymous=NOT_FOUND),
            "accounts:sso_callback": expect(NOT_FOUND, anonymous=NOT_FOUND),
        },
    ),
    Resource(
        "profile and language",
        {
            "accounts:profile": SIGNED_IN,
            "POST accounts:profile": SIGNED_IN,
            "accounts:set_language": NOWHERE,
            "POST accounts:set_language": Route(PUBLIC, data={"language": "ru"}),
        },
    ),
    Resource(
        "API tokens (the caller's own, PRODUCT.md §8)",
        {
            "GET /api/v1/auth/tokens/": SIGNED_IN,
            "GET /api/v1/auth/tokens/{id}/": OWNER_ONLY,
            "DELETE /api/v1/auth/tokens/{id}/": OWNER_ONLY,
            "accounts:token_create": expect(NOT_ALLOWED, anonymous=LOGIN),
            "POST accounts:token_create": Route(SIGNED_IN, data={"name": "Matrix"}),
            "accounts:token_revoke": expect(NOT_ALLOWED, anonymous=LOGIN),
            "POST accounts:token_revoke": OWNER_ONLY | {"anonymous": LOGIN},
        },
        obj=lambda world: token_issue(user=world.marketer, name="CRM").token,
    ),
    Resource(
        "users",
        {
            "GET /api/v1/users/": SIGNED_IN,
            "GET /api/v1/users/{id}/": SIGNED_IN,
            "GET /api/v1/users/me/": SIGNED_IN,
        },
        obj=lambda world: world.marketer,
    ),
    Resource(
        "teams",
        {
            "GET /api/v1/teams/": SIGNED_IN,
            "GET /api/v1/teams/{id}/": SIGNED_IN,
        },
        obj=lambda world: world.team,
    ),
    Resource(
        "users and handover (admins only, PRODUCT.md §7)",
        {
            "accounts:users": ADMINS,
            "accounts:user_handover": ADMINS,
            "POST accounts:user_handover": Route(ADMINS, data=lambda world, obj: {"to_user": world.finance.pk}),
            "accounts:user_deactivate": expect(NOT_ALLOWED, anonymous=LOGIN),
            "POST accounts:user_deactivate": ADMINS,
            "GET /api/v1/users/{id}/holdings/": ADMINS,
            "POST /api/v1/users/{id}/handover/": Route(ADMINS, data=lambda world, obj: {"to_user": world.finance.pk}),
            "POST /api/v1/users/{id}/deactivate/": ADMINS,
        },
        obj=lambda world: UserFactory(username="departing", roles=["marketer"], teams=[world.team]),
    ),
]
