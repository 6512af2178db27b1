"""Sign-in by password, and who may still use it once single sign-on is the way in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts.choices import Role


def password_sign_in_allowed(user) -> bool:
    """With ``MRM_LOCAL_LOGIN=admins`` only administrators (admin role, superusers) sign in with a password.

    Why: once the company's identity provider is the way in, a password kept in
    MRM is a second door that the provider's offboarding does not close.
    Administrators keep theirs to get in when the provider is down or
    misconfigured.
    """
    if settings.MRM_LOCAL_LOGIN == "all":
        return True
    return user.is_active and (user.is_superuser or user.has_role(Role.ADMIN))


class LocalPasswordBackend(ModelBackend):
    """Django's username-and-password check, refusing those :func:`password_sign_in_allowed` excludes.

    Refused exactly like a wrong password (same answer, counted by the lockout
    and the throttle), so the login page does not tell who is an administrator.
    Sessions already open are not ended; permissions are answered as by
    ``ModelBackend``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_sign_in_allowed(user):
            return None
        return user
