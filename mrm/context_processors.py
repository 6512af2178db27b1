"""Template context every page needs: the navigation and the currency."""

from django.conf import settings

from mrm.navigation import resolved_navigation


def navigation(request):
    return {
        "main_navigation": resolved_navigation(request.path),
        "MRM_CURRENCY": settings.MRM_CURRENCY,
    }
