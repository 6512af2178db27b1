"""Platform behaviour: errors, security headers, schema, health, Celery."""

import io
import subprocess
import sys

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from mrm.tasks import ping_task, record_heartbeat_task

pytestmark = pytest.mark.django_db


def test_friendly_404_page(client, marketer):
    client.force_login(marketer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_friendly_500_page(client, marketer):
    from django.views import defaults

    response = defaults.server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_friendly_403_page(client, marketer):
    # given a marketer, who is not an administrator
    client.force_login(marketer)
    # when they open the admins' users page
    response = client.get("/accounts/users/")
    # then they read why, on the friendly page
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()


def test_unknown_api_address_is_a_json_404(api_as, marketer):
    response = api_as(marketer).get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@override_settings(DEBUG=False)
def test_api_server_error_is_json_and_pages_keep_the_friendly_page(rf):
    from django.urls import get_resolver

    handler = get_resolver().resolve_error_handler(500)
    api = handler(rf.get("/api/v1/campaigns/"))
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert b"A server error occurred." in api.content
    page = handler(rf.get("/campaigns/"))
    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()


def test_api_errors_are_translated(api_as, marketer):
    response = api_as(marketer).get("/api/v1/no-such-resource/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "не найден" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),  # a plain visit
        ({"HTTP_HX_REQUEST": "true"}, True),  # an htmx swap
        ({"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}, False),  # a boosted navigation wants the page
    ],
)
def test_one_view_serves_the_page_and_its_fragment(client, marketer, headers, fragment):
    # given a list page built on mrm.htmx.page_or_fragment
    client.force_login(marketer)
    # when it is asked for, with or without htmx
    response = client.get("/notifications/", **headers)
    # then htmx swaps get the fragment alone, everything else the whole page
    body = response.content.decode()
    assert response.status_code == 200
    assert ("<html" not in body) is fragment
    assert ('aria-label="Main navigation"' not in body) is fragment


def test_the_main_navigation_has_every_section(client, marketer):
    from mrm.navigation import MAIN_NAVIGATION, resolved_navigation

    # Entries hide while their page does not exist; by now every section exists.
    assert len(resolved_navigation("/")) == len(MAIN_NAVIGATION)
    client.force_login(marketer)
    body = client.get("/").content.decode()
    for label in ("Dashboard", "Campaigns", "Calendar", "Budgets", "Approvals", "Reports", "Help"):
        assert f">{label}</a>" in body, label


def test_pages_refuse_to_be_framed_and_carry_a_strict_csp(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_schema_is_openapi_3_and_generates_without_warnings():
    out, err = io.StringIO(), io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/users/me/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert err.getvalue() == ""


def test_schema_and_docs_are_served(client, marketer):
    assert client.get("/api/schema/").status_code == 200
    client.force_login(marketer)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_health(client):
    record_heartbeat_task()
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["scheduler_heartbeat"]


def test_tasks_run_in_process_in_the_embedded_default():
    assert ping_task.delay().get(timeout=5) == "pong"


def test_every_periodic_job_names_a_registered_task():
    from mrm.celery import app
    from mrm.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def run_settings(module: str, env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL); print(s.CELERY_TASK_ALWAYS_EAGER)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": module, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_needs_no_server(tmp_path):
    result = run_settings("mrm.settings.local", {"MRM_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    engine, broker, eager = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "memory://localhost/"
    assert eager == "True"


def test_environment_switches_to_postgresql_and_redis(tmp_path):
    result = run_settings(
        "mrm.settings.local",
        {
            "MRM_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mrm",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert result.returncode == 0, result.stderr
    engine, broker, eager = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://127.0.0.1:6379/0"
    assert eager == "False"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings("mrm.settings.production", {"MRM_DATA_DIR": str(tmp_path), "DJANGO_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mrm.settings.production",
            "DJANGO_SECRET_KEY": "x" * 20 + "-production-check-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "mrm.example.com",
            "MRM_BASE_URL": "https://mrm.example.com",
            "MRM_DATA_DIR": str(tmp_path),
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "relay", "postgres", "redis"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["relay"]["command"] == ["python", "manage.py", "run_outbox_relay"]
    for name in ("web", "worker", "beat", "relay"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "mrm.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
    for name in ("web", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert {"postgres-data", "media"} <= set(compose["volumes"])


def test_seed_demo_is_idempotent():
    from accounts.models import Team, User

    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Team.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Team.objects.count()) == counts
    cmo = User.objects.get(username="cmo")
    assert cmo.roles == {"approver", "leadership"}
    assert cmo.check_password("mrm-demo")
    assert User.objects.get(username="admin").is_staff


@pytest.mark.parametrize(("ci", "expected"), [("true", 1), ("", 0)])
def test_a_skipped_test_fails_ci(tmp_path, ci, expected):
    # given a test that skips itself (the unittest way: any skip counts, not only pytest's own)
    (tmp_path / "test_skipping.py").write_text(
        "import unittest\n\ndef test_needs_a_server():\n    raise unittest.SkipTest('no server')\n"
    )
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_sessionfinish  # noqa: F401\n")
    # when pytest runs it with the project's configuration and hooks, in CI or on a laptop
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "-q", str(tmp_path)],
        env={"PATH": "/usr/bin:/bin", "CI": ci, "MRM_DATA_DIR": str(tmp_path / "data")},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then CI fails and names the test, a laptop only reports the skip
    assert result.returncode == expected, result.stdout + result.stderr
    assert ("did not run: " in result.stdout) is bool(ci)


def test_the_embedded_scheduler_runs_its_jobs_in_its_own_process(client):
    """`make start` without REDIS_URL runs `celery beat` alone: a due job runs right there, no worker needed."""
    from celery.beat import Scheduler
    from django.core.cache import cache

    from mrm.celery import app
    from mrm.tasks import HEARTBEAT_KEY

    # given the embedded default (tasks in-process) and no heartbeat yet
    assert settings.CELERY_TASK_ALWAYS_EAGER
    cache.delete(HEARTBEAT_KEY)
    scheduler = Scheduler(app, lazy=True)
    scheduler.setup_schedule()
    # when beat finds the heartbeat job due and applies it
    scheduler.apply_entry(scheduler.schedule["record-heartbeat"], producer=None)
    # then the job ran in the scheduler's process and the health page shows it
    assert client.get("/health/").json()["scheduler_heartbeat"]


def test_make_start_runs_a_scheduler_and_with_redis_a_worker_and_beat():
    script = (settings.BASE_DIR / "scripts" / "start.sh").read_text()
    embedded = script.split('if [ -n "${REDIS_URL:-}" ]; then')[1].split("else")[1].split("fi")[0]
    stack = script.split('if [ -n "${REDIS_URL:-}" ]; then')[1].split("else")[0]
    assert "celery -A mrm beat" in embedded
    assert "celery -A mrm worker" in stack
    assert "celery -A mrm beat" in stack
    assert "manage.py run_outbox_relay" in stack
    for step in ("scripts/bootstrap.sh", "manage.py migrate", "compilemessages", "manage.py seed_demo", "demo_logins"):
        assert step in script, step
