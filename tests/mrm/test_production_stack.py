"""The production web process as docker-compose.yml runs it, without Docker.

The image collects static files with the production storage and the compose
health check asks gunicorn for /health/; both are exercised here for real.
"""

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "mrm.settings.production",
    "DJANGO_SECRET_KEY": "production-stack-test-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "mrm.example.com",
}


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=180, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    """Production settings on an empty data directory, static files collected as the Dockerfile does."""
    root = tmp_path_factory.mktemp("production")
    env = {**PRODUCTION_ENV, "MRM_DATA_DIR": str(root / "data"), "MRM_STATIC_ROOT": str(root / "static")}
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=mrm.settings.production" in dockerfile.split("collectstatic")[0].rsplit("RUN", 1)[1]
    result = run([sys.executable, "manage.py", "collectstatic", "--noinput"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "static" / "staticfiles.json").exists()
    return env


@pytest.fixture(scope="module")
def gunicorn(production_env):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "mrm.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        env=production_env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_the_compose_health_check_passes_against_gunicorn(production_env, gunicorn):
    # given the web service's health check, aimed at this gunicorn
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    code = command[3].replace("127.0.0.1:8000", f"127.0.0.1:{gunicorn}")
    # when it runs
    result = run([sys.executable, "-c", code], production_env)
    # then the service is healthy
    assert result.returncode == 0, result.stderr


def test_production_serves_pages_with_hashed_static_files(production_env, gunicorn):
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{gunicorn}/accounts/login/",
        headers={"Host": "mrm.example.com", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local test server
        body = response.read().decode()
    stylesheet = re.search(r'href="(/static/vendor/tabler/tabler\.min\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the page links the hashed stylesheet"
    static = urllib.request.Request(f"http://127.0.0.1:{gunicorn}{stylesheet.group(1)}", headers=request.headers)
    with urllib.request.urlopen(static, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert "max-age=315360000" in response.headers["Cache-Control"]


def test_the_web_service_does_not_write_into_the_image_at_start():
    # The image runs as an unprivileged user: translations and static files are built in, not at start.
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = " ".join(compose["services"]["web"]["command"])
    assert "compilemessages" not in command
    assert "collectstatic" not in command
    assert "compilemessages" in (BASE_DIR / "Dockerfile").read_text()
