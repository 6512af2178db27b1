"""Platform pages: health check, and error pages that answer the API in JSON."""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mrm import health as checks
from mrm.outage import database_unavailable, is_database_outage

API_PREFIX = "/api/"


@never_cache
@require_GET
def health(request):
    """Liveness: 200 while this process answers, ``ok`` or ``degraded`` naming the broken part (mrm.health)."""
    body, _ready = checks.report()
    return JsonResponse(body)


@never_cache
@require_GET
def health_ready(request):
    """Readiness: 503 while the database or the broker is down; a missing worker only degrades."""
    body, ready = checks.report()
    return JsonResponse(body, status=200 if ready else 503)


def page_not_found(request, exception):
    """An unknown address: the friendly page, or JSON for an API client (PRODUCT.md §8)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """An unexpected failure: the friendly page, or JSON for an API client, never a traceback.

    Django calls this while handling the uncaught error, wherever it was raised
    (a view, or a middleware loading the session or the user), so the error is
    still ``sys.exc_info()``: a database outage answers 503 instead (mrm/outage.py).
    """
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)
