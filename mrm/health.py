"""What the health endpoints check: each part of the system on its own, named.

``/health/`` is *liveness*: it answers 200 whenever this process can answer,
with ``status`` ``ok`` or ``degraded`` and the part that is broken
(``checks.<name>.status`` other than ``ok``, listed in ``failing``).
``/health/ready/`` is *readiness*: 503 while a part the web process cannot
work without is down (the database; the broker when there is one), 200
otherwise. A missing worker, a stale scheduler, a cache or outbox backlog
only degrade.

Apps add checks of their own with :func:`register_health_check` (the outbox
reports its backlog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from mrm.tasks import HEARTBEAT_KEY

logger = logging.getLogger("mrm.health")

OK = "ok"
# Without these the web process cannot do its work: /health/ready/ answers 503.
READINESS = ("database", "broker")

_extra_checks: dict[str, Callable[[], dict]] = {}


def register_health_check(name: str, check: Callable[[], dict]) -> None:
    """``check()`` returns a dict with a ``status`` (``"ok"`` or a word saying what is wrong)."""
    _extra_checks[name] = check


def _error(exc: Exception) -> str:
    # The kind of failure, not its message: the page is public and messages name hosts.
    return exc.__class__.__name__


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("health: the database does not answer: %s", exc)
        return {"status": "down", "error": _error(exc)}
    return {"status": OK}


def _celery_app():
    from mrm.celery import app

    return app


def check_broker() -> dict:
    app = _celery_app()
    if app.conf.task_always_eager:
        return {"status": OK, "mode": "in-process"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        logger.warning("health: the broker does not answer: %s", exc)
        return {"status": "down", "error": _error(exc)}
    return {"status": OK}


def check_workers(broker: dict) -> dict:
    """A worker answers a ping (shown, never a reason to be not ready: the outbox holds the work)."""
    app = _celery_app()
    if app.conf.task_always_eager:
        return {"status": OK, "mode": "in-process"}
    if broker["status"] != OK:
        return {"status": "unknown", "error": "broker down"}
    try:
        with app.connection_for_write() as conn:
            replies = app.control.ping(timeout=settings.MRM_HEALTH_WORKER_TIMEOUT, limit=1, connection=conn)
    except Exception as exc:
        return {"status": "unknown", "error": _error(exc)}
    if not replies:
        return {"status": "missing", "answered": 0}
    return {"status": OK, "answered": len(replies)}


def check_cache() -> dict:
    backend = cache
    try:
        if hasattr(backend, "ping"):
            backend.ping()
        else:
            backend.get(HEARTBEAT_KEY)
    except Exception as exc:
        logger.warning("health: the cache does not answer: %s", exc)
        return {"status": "down", "error": _error(exc)}
    return {"status": OK}


def heartbeat() -> str | None:
    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:
        return None


def check_scheduler(cache_check: dict) -> dict:
    """The heartbeat job's last run: beat scheduled it and (with a broker) a worker ran it."""
    if cache_check["status"] != OK:
        return {"status": "unknown", "error": "cache down", "heartbeat": None}
    stamp = heartbeat()
    if not stamp:
        return {"status": "missing", "heartbeat": None}
    try:
        age = timezone.now() - datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return {"status": "missing", "heartbeat": None}
    if age > timedelta(minutes=settings.MRM_HEALTH_HEARTBEAT_MAX_MINUTES):
        return {"status": "stale", "heartbeat": stamp}
    return {"status": OK, "heartbeat": stamp}


def run_checks() -> dict[str, dict]:
    checks: dict[str, dict] = {"database": check_database(), "broker": check_broker()}
    checks["workers"] = check_workers(checks["broker"])
    checks["cache"] = check_cache()
    checks["scheduler"] = check_scheduler(checks["cache"])
    for name, check in _extra_checks.items():
        if checks["database"]["status"] != OK:
            checks[name] = {"status": "unknown", "error": "database down"}
            continue
        try:
            checks[name] = check()
        except Exception as exc:
            logger.warning("health: the %s check failed: %s", name, exc)
            checks[name] = {"status": "unknown", "error": _error(exc)}
    return checks


def report() -> tuple[dict, bool]:
    """The health body and whether the process is ready to serve."""
    checks = run_checks()
    failing = [name for name, check in checks.items() if check["status"] != OK]
    ready = not any(name in failing for name in READINESS)
    body = {
        "status": OK if not failing else "degraded",
        "failing": failing,
        "checks": checks,
        # kept for older probes: when the scheduler last ran
        "scheduler_heartbeat": checks["scheduler"].get("heartbeat"),
    }
    return body, ready
