"""Fixtures that point this test process at a broker and a cache, as production has them.

The test settings run tasks in-process (the embedded default). These
fixtures switch the process's Celery app to a real broker transport, so
writes publish (or fail to publish) exactly as a production web process
does, and restore the embedded default afterwards:

- ``use_broker(url)``: any broker URL (a Redis a test started, ...);
- ``dead_broker``: Redis on a port nobody listens on: every publish is
  refused, as with Redis stopped;
- ``memory_broker``: kombu's in-process transport: publishes succeed and the
  test reads what was published (``memory_broker.published()``);
- ``redis_cache(url)``: the production cache (``mrm.cache.ResilientRedisCache``) on that Redis.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.servers import free_port


def _reset_connections(app) -> None:
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def use_broker():
    from mrm.celery import app
    from outbox.relay import resume_immediate_dispatch

    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}

    def point(url: str):
        app.conf.update(broker_url=url, result_backend="cache+memory://", task_always_eager=False)
        _reset_connections(app)
        resume_immediate_dispatch()
        return app

    yield point
    app.conf.update(**saved)
    _reset_connections(app)
    resume_immediate_dispatch()


@pytest.fixture
def dead_broker(use_broker):
    url = f"redis://127.0.0.1:{free_port()}/0"
    use_broker(url)
    return url


@dataclass
class MemoryBroker:
    app: object

    def published(self, queue: str = "celery") -> list[tuple[str, list, str]]:
        """Take every message published so far: ``(task name, args, task id)``."""
        taken = []
        with self.app.connection_for_read() as conn:
            simple = conn.SimpleQueue(queue)
            while True:
                try:
                    message = simple.get(block=False)
                except simple.Empty:
                    break
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], list(args), message.headers["id"]))
                message.ack()
            simple.close()
        return taken


@pytest.fixture
def memory_broker(use_broker):
    broker = MemoryBroker(use_broker("memory://localhost/"))
    broker.published()  # start empty
    return broker


@pytest.fixture
def redis_cache(settings):
    def point(url: str):
        settings.CACHES = {
            "default": {
                "BACKEND": "mrm.cache.ResilientRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "DOWN_PAUSE": 5},
            }
        }

    return point
