"""Health endpoints and a broken Redis: pages, API and sign-in keep working; health names the broken part.

``/health/`` is liveness (200 whenever the process answers, ``ok`` or
``degraded`` naming the broken part); ``/health/ready/`` is readiness (503
while the database or the broker is down; a missing worker only degrades).
Redis "down" here is a port nobody listens on (refused, as with Redis
stopped); tests/outbox/test_broker_outage.py stops a real Redis.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from mrm.tasks import HEARTBEAT_KEY, record_heartbeat_task
from outbox.models import Message
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(redis_cache, dead_broker):
    """Production's Redis settings (cache and broker), with Redis not answering."""
    redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    return dead_broker


# --- a broken Redis does not break the site ----------------------------------------------------------


def test_with_redis_down_the_dashboard_answers(client, marketer, redis_down):
    client.force_login(marketer)
    response = client.get("/")
    assert response.status_code == 200
    assert b"<main" in response.content


def test_with_redis_down_token_sign_in_answers(api_client, marketer, password, redis_down):
    response = api_client.post("/api/v1/auth/token/", {"username": "marketer", "password": password}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_with_redis_down_the_sign_in_page_signs_in(client, marketer, password, redis_down):
    response = client.post("/accounts/login/", {"username": "marketer", "password": password})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_with_redis_down_health_is_alive_degraded_and_not_ready(client, redis_down):
    # when a load balancer asks while Redis (cache and broker) is down
    live = client.get("/health/")
    ready = client.get("/health/ready/")
    # then the process is alive, degraded, and names what is broken
    assert live.status_code == 200
    body = live.json()
    assert body["status"] == "degraded"
    assert {"broker", "cache"} <= set(body["failing"])
    assert body["checks"]["broker"] == {"status": "down", "error": "OperationalError"}
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["workers"]["status"] == "unknown"
    # and it is not ready: the broker is down
    assert ready.status_code == 503
    assert ready.json()["failing"] == body["failing"]


def test_the_degrading_cache_misses_instead_of_failing(redis_cache):
    from django.core.cache import caches

    redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    backend = caches["default"]
    assert backend.get("k", "fallback") == "fallback"
    assert backend.set("k", 1) is None
    assert backend.add("k", 1) is False
    assert backend.get_many(["a", "b"]) == {}
    assert backend.set_many({"a": 1}) == ["a"]
    assert backend.get_or_set("k", 5) == 5
    with pytest.raises(ValueError, match="unavailable"):
        backend.incr("k")
    # the health page asks it directly, and hears the truth
    with pytest.raises(redis.exceptions.ConnectionError):
        backend.ping()


# --- readiness and liveness ------------------------------------------------------------------------


def test_health_in_the_embedded_default_is_ok_with_every_part_named(client):
    # given the embedded default (tasks in-process) with a fresh heartbeat
    record_heartbeat_task()
    body = client.get("/health/").json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) >= {"database", "broker", "workers", "cache", "scheduler", "outbox"}
    assert body["checks"]["broker"] == {"status": "ok", "mode": "in-process"}
    assert body["checks"]["scheduler"]["status"] == "ok"
    assert body["scheduler_heartbeat"] == body["checks"]["scheduler"]["heartbeat"]
    assert client.get("/health/ready/").status_code == 200


def test_a_stale_or_missing_scheduler_degrades_but_stays_ready(client, settings):
    settings.MRM_HEALTH_HEARTBEAT_MAX_MINUTES = 5
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=6)).isoformat())
    body = client.get("/health/").json()
    assert body["status"] == "degraded" and body["failing"] == ["scheduler"]
    assert body["checks"]["scheduler"]["status"] == "stale"
    assert client.get("/health/ready/").status_code == 200
    cache.delete(HEARTBEAT_KEY)
    assert client.get("/health/").json()["checks"]["scheduler"]["status"] == "missing"


def test_with_the_database_down_health_is_alive_and_not_ready(client, monkeypatch):
    from mrm import health

    record_heartbeat_task()

    class Refusing:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Refusing())
    live = client.get("/health/")
    assert live.status_code == 200
    body = live.json()
    assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}
    assert body["checks"]["outbox"] == {"status": "unknown", "error": "database down"}
    assert client.get("/health/ready/").status_code == 503


def test_a_message_waiting_too_long_shows_as_an_outbox_backlog(client, settings):
    record_heartbeat_task()
    settings.MRM_OUTBOX_BACKLOG_MINUTES = 10
    message = Message.objects.create(task="mrm.tasks.ping_task")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    body = client.get("/health/").json()
    assert body["failing"] == ["outbox"]
    assert body["checks"]["outbox"]["status"] == "backlog" and body["checks"]["outbox"]["pending"] == 1
    assert client.get("/health/ready/").status_code == 200


def test_health_is_never_cached(client):
    response = client.get("/health/ready/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.redis
def test_with_redis_up_and_no_worker_health_is_degraded_but_ready(client, use_broker, redis_cache, settings):
    from tests.support.servers import RedisServer

    settings.MRM_HEALTH_WORKER_TIMEOUT = 0.5
    with RedisServer() as server:
        # given a real Redis (broker and cache) and no worker running
        use_broker(server.url)
        redis_cache(server.url)
        record_heartbeat_task()
        # when the health endpoints are asked
        live, ready = client.get("/health/"), client.get("/health/ready/")
        # then the missing worker degrades, named, and the process stays ready
        assert live.status_code == 200
        body = live.json()
        assert body["status"] == "degraded" and body["failing"] == ["workers"]
        assert body["checks"]["workers"] == {"status": "missing", "answered": 0}
        assert body["checks"]["broker"] == {"status": "ok"} and body["checks"]["cache"] == {"status": "ok"}
        assert ready.status_code == 200
