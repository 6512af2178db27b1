"""Real servers for tests: a Redis server, Celery workers, the relay; and an HTTP server in a thread.

Each test starts its own Redis on a free port (never the machine's shared
one), so it can stop and restart it at will. Workers and the relay run as
separate processes with the settings production uses (``mrm.settings.local``
plus ``REDIS_URL``), on the test's own database (``DATABASE_URL`` naming the
test database), writing mail as files in a temporary data directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection


def _base_dir() -> Path:
    return Path(settings.BASE_DIR)


def free_port() -> int:
    """A port nothing listens on (a dead broker, or the next Redis)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` answering on a free loopback port, from threads of this process; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_until(condition: Callable[[], object], *, timeout: float = 60, interval: float = 0.2, what: str = ""):
    """Poll ``condition`` until it returns something true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


class RedisServer:
    """``redis-server`` on a port of its own, started and stopped by the test (no persistence)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), timeout=20, what=f"redis on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def process_env(redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker or relay process: this test's database and Redis, mail as files."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MRM_DATA_DIR")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mrm.settings.local",
        DJANGO_DEBUG="false",
        REDIS_URL=redis_url,
        MRM_DATA_DIR=str(data_dir),
        MRM_LOG_LEVEL="WARNING",
    )
    if db["ENGINE"] == "django.db.backends.postgresql":
        user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    env.update(extra)
    return env


def start_worker(
    env: dict[str, str],
    *,
    pool: str = "prefork",
    name: str = "outbox-test",
    log: Path | None = None,
    module: str | None = None,
) -> subprocess.Popen:
    """A real ``celery worker`` (one process, or a prefork parent with one child); ``module`` wraps it."""
    args = [sys.executable, "-m", module or "celery", "-A", "mrm", "worker", f"--pool={pool}", "--loglevel=INFO"]
    if pool == "prefork":
        args.append("--concurrency=1")
    args += ["-n", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h", "--without-mingle", "--without-gossip"]
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(args, cwd=_base_dir(), env=env, stdout=output, stderr=subprocess.STDOUT)


def start_relay(env: dict[str, str], *, log: Path | None = None) -> subprocess.Popen:
    """``manage.py run_outbox_relay`` as production runs it, a round every second."""
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_outbox_relay", "--interval", "1"],
        cwd=_base_dir(),
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen | None, *, kill: bool = False) -> None:
    """Stop a process this test started (SIGTERM, warm; SIGKILL if asked or if it does not end)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
