"""Platform tasks: a heartbeat that proves the scheduler and workers run."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "mrm:heartbeat"


@shared_task(name="mrm.tasks.record_heartbeat_task", ignore_result=True, time_limit=30)
def record_heartbeat_task() -> str:
    """Stamp the time the scheduler last ran a job; the health page shows it."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp


@shared_task(name="mrm.tasks.ping_task", time_limit=30)
def ping_task() -> str:
    """Answer ``pong``: used to check that a worker consumes the queue."""
    return "pong"
