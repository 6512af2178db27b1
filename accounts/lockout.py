"""The words a locked-out user reads, in the browser and the API."""

from django.conf import settings
from django.utils.translation import gettext as _


def cooloff_minutes() -> int:
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


def locked_out_message() -> str:
    return _(
        "Too many failed sign-in attempts. Sign-in for this account is locked for "
        "%(minutes)s minutes; try again later or ask an administrator to unlock it."
    ) % {"minutes": cooloff_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a locked-out user tries to sign in."""
    from django.http import JsonResponse
    from django.shortcuts import render

    message = locked_out_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "registration/locked_out.html", {"message": message}, status=403)
