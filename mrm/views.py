"""Platform pages: health check, and error pages that answer the API in JSON."""

import sys

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

from mrm.outage import database_unavailable, is_database_outage
from mrm.tasks import HEARTBEAT_KEY

API_PREFIX = "/api/"


@require_GET
def health(request):
    """For load balancers and `make start`: the database answers, and when the scheduler last ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "scheduler_heartbeat": cache.get(HEARTBEAT_KEY)})


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
