"""Platform pages: health check."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from mrm.tasks import HEARTBEAT_KEY


@require_GET
def health(request):
    """For load balancers and `make start`: the database answers, and when the scheduler last ran."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "scheduler_heartbeat": cache.get(HEARTBEAT_KEY)})
