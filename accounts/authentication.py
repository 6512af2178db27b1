"""DRF authentication by MRM's API tokens (``Authorization: Token <key>``), see :mod:`accounts.tokens`."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.tokens import TokenRefused, token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing (and its 401 with ``WWW-Authenticate: Token``), MRM's token store.

    An unknown, revoked or expired key, or one of an inactive user, is a 401
    whose ``detail`` says which, so an integration knows to ask for a new token.
    ``request.auth`` is the :class:`accounts.models.ApiToken`.
    """

    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = token_authenticate(key)
        except TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from refused
        return token.user, token
