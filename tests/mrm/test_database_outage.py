"""When the database goes away: clean 503s, never a traceback, and recovery without a restart.

The first tests raise real driver errors through Django's request handling;
the PostgreSQL ones restart a server of their own (tests/support/pgcluster.py)
under a real gunicorn while clients keep asking.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.utils import load_backend
from django.test import Client

from mrm.outage import RETRY_AFTER_SECONDS, is_database_outage
from tests.support.pgcluster import TemporaryPostgres, free_port

pytestmark = pytest.mark.django_db

RUSSIAN_TITLE = "Временно недоступно"
RUSSIAN_API_DETAIL = "Сервис временно недоступен: нет связи с его базой данных. Повторите попытку чуть позже."
API_DETAIL = "The service is temporarily unavailable: its database cannot be reached. Try again shortly."


# --- which errors are an outage -------------------------------------------------------


def real_connection_error() -> OperationalError:
    """The error Django raises when the database server cannot be reached at all."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database["NAME"] = "/nonexistent/folder/mrm.sqlite3"  # SQLITE_CANTOPEN
    else:
        database.update(HOST="127.0.0.1", PORT=str(free_port()))  # nothing listens: refused
    unreachable = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias="unreachable")
    try:
        unreachable.ensure_connection()
    except OperationalError as exc:
        return exc
    finally:
        unreachable.close()
    raise AssertionError("connecting to nothing succeeded")


def real_query_error() -> DatabaseError:
    """The error of a query that is wrong, on a database that answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_anywhere")
    except DatabaseError as exc:
        return exc
    raise AssertionError("the query on a missing table succeeded")


class DriverError(Exception):
    """A driver error as psycopg reports a server's refusal: with its SQLSTATE."""

    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def with_sqlstate(pgcode: str) -> OperationalError:
    error = OperationalError(f"SQLSTATE {pgcode}")
    error.__cause__ = DriverError(pgcode)
    return error


def test_an_unreachable_server_is_an_outage():
    assert is_database_outage(real_connection_error())


def test_a_wrong_query_is_not_an_outage():
    # given a query on a missing table (OperationalError on SQLite, ProgrammingError on PostgreSQL)
    error = real_query_error()
    # then it is a bug to show as one, not a 503 that would hide it
    assert not is_database_outage(error)


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (InterfaceError("connection already closed"), True),
        (with_sqlstate("57P01"), True),  # terminating connection due to administrator command
        (with_sqlstate("57P03"), True),  # the database system is starting up
        (with_sqlstate("08006"), True),  # connection failure
        (with_sqlstate("53300"), True),  # too many connections
        (with_sqlstate("40P01"), False),  # deadlock: a conflict of this request
        (with_sqlstate("57014"), False),  # statement timeout: a slow query to fix
        (with_sqlstate("42P01"), False),  # undefined table
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_only_errors_of_the_server_count_as_an_outage(error, outage):
    assert is_database_outage(error) is outage


# --- what a request answers during an outage ------------------------------------------


@pytest.fixture
def outage_client():
    """A browser that sees the responses Django sends, not the exception behind them."""
    return Client(raise_request_exception=False)


def test_an_api_call_during_an_outage_answers_a_json_503(outage_client, marketer, monkeypatch):
    # given the database fails when the API authenticates the token
    from accounts.tokens import token_issue

    token = token_issue(user=marketer)
    error = real_connection_error()

    def unreachable(*args, **kwargs):
        raise error

    monkeypatch.setattr("accounts.authentication.ApiTokenAuthentication.authenticate_credentials", unreachable)
    # when an integration lists campaigns
    response = outage_client.get("/api/v1/campaigns/", headers={"Authorization": f"Token {token.key}"})
    # then it reads a 503 it can retry, in JSON
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": API_DETAIL}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_page_during_an_outage_is_the_translated_503_page(outage_client, marketer, monkeypatch):
    # given the database fails when the page reads the campaigns
    from campaigns.querysets import CampaignQuerySet

    outage_client.force_login(marketer)
    error = real_connection_error()

    def unreachable(queryset, user):
        raise error

    monkeypatch.setattr(CampaignQuerySet, "visible_to", unreachable)
    # when a Russian-speaking marketer opens the campaigns
    response = outage_client.get("/campaigns/", headers={"Accept-Language": "ru"})
    # then the friendly page says, in Russian, to try again shortly
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert RUSSIAN_TITLE in body
    assert "Traceback" not in body


def test_an_outage_in_a_middleware_answers_503_too(outage_client, marketer, monkeypatch):
    # given the connection is gone when the last-seen time is written, after the view ran
    outage_client.force_login(marketer)

    def gone(user, now=None):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("accounts.middleware.record_last_seen", gone)
    # when the marketer opens a page and calls the API
    page = outage_client.get("/campaigns/")
    api = outage_client.get("/api/v1/campaigns/")
    # then both answer 503, each in its own form
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.content.decode()
    assert api.status_code == 503
    assert api.json() == {"detail": API_DETAIL}
    # and an integration asking in Russian reads it in Russian
    russian = outage_client.get("/api/v1/campaigns/", headers={"Accept-Language": "ru"})
    assert russian.json() == {"detail": RUSSIAN_API_DETAIL}


def test_other_errors_stay_a_500(outage_client, marketer, monkeypatch):
    # given a query that is wrong (a bug), not a database that is away
    outage_client.force_login(marketer)
    error = real_query_error()

    def broken(user, now=None):
        raise error

    monkeypatch.setattr("accounts.middleware.record_last_seen", broken)
    # when the marketer calls the API
    response = outage_client.get("/api/v1/campaigns/")
    # then it is the server error it is, not a "try again later"
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_persistent_connections_are_checked_before_reuse():
    # PostgreSQL keeps connections (DATABASE_CONN_MAX_AGE, default 60 s) and checks them
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"] == "django.db.backends.postgresql":
        assert database["CONN_MAX_AGE"] > 0
        assert database["OPTIONS"]["connect_timeout"] > 0


# --- a real PostgreSQL restart under a real web server --------------------------------

GUNICORN_SETTINGS = '''
"""Production settings, except static files: no collectstatic manifest to build for this test."""
from mrm.settings.production import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
'''

SEED_USER = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from accounts.models import User
user = User.objects.create_user("outage-marketer", password="outage-password-123")
user.groups.add(Group.objects.get(name="marketer"))
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.LocalPasswordBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""

HEADERS = {"Host": "mrm.example.com", "X-Forwarded-Proto": "https"}


@dataclass
class Answer:
    kind: str
    started: float
    ended: float
    status: int
    content_type: str
    retry_after: str | None
    body: str


class Site:
    """The gunicorn of this test: requests as an integration (token) and as a browser (Russian)."""

    def __init__(self, port: int, token: str, session_cookie: str):
        self.port = port
        self.token = token
        self.session_cookie = session_cookie

    def ask(self, kind: str) -> Answer:
        headers = dict(HEADERS)
        if kind == "api":
            path = "/api/v1/campaigns/"
            headers["Authorization"] = f"Token {self.token}"
        else:
            path = "/campaigns/"
            headers["Cookie"] = self.session_cookie
            headers["Accept-Language"] = "ru"
        started = time.monotonic()
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            body = response.read().decode()
            status, content_type, retry_after = (
                response.status,
                response.getheader("Content-Type", ""),
                response.getheader("Retry-After"),
            )
        finally:
            client.close()
        return Answer(kind, started, time.monotonic(), status, content_type, retry_after, body)


def connections_held(cluster: TemporaryPostgres) -> int:
    return int(
        cluster.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mrm' AND backend_type = 'client backend'",
        )
    )


@pytest.fixture(scope="module")
def cluster():
    server = TemporaryPostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def site(cluster, django_db_setup, django_db_blocker, tmp_path_factory):
    """Gunicorn (2 workers) on production settings and a copy of the migrated test database."""
    # the schema (and the roles' groups) as pytest-django migrated the test database
    source = connection.settings_dict
    _, secrets = DatabaseClient.settings_to_cmd_args_env(source, [])
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
         "-U", source["USER"] or "postgres", source["NAME"]],
        capture_output=True, check=True, timeout=120, env={"PATH": "/usr/bin:/bin", **(secrets or {})},
    )  # fmt: skip
    cluster.psql("postgres", "CREATE DATABASE mrm")
    subprocess.run(
        [str(cluster.bindir / "psql"), "-h", cluster.host, "-p", str(cluster.port), "-U", "postgres", "-d", "mrm",
         "-q", "-v", "ON_ERROR_STOP=1"],
        input=dump.stdout, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    root = tmp_path_factory.mktemp("outage")
    (root / "outage_settings.py").write_text(GUNICORN_SETTINGS)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{root}:{settings.BASE_DIR}",
        "DJANGO_SETTINGS_MODULE": "outage_settings",
        "DJANGO_SECRET_KEY": "database-outage-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "mrm.example.com",
        "MRM_BASE_URL": "https://mrm.example.com",
        "MRM_DATA_DIR": str(root / "data"),
        "DATABASE_URL": cluster.url("mrm"),
    }
    seeded = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED_USER],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    log = (root / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "mrm.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        token = None
        deadline = time.monotonic() + 60
        while token is None and time.monotonic() < deadline:
            try:
                client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                body = json.dumps({"username": "outage-marketer", "password": "outage-password-123"})
                client.request(
                    "POST", "/api/v1/auth/token/", body=body, headers={**HEADERS, "Content-Type": "application/json"}
                )
                response = client.getresponse()
                assert response.status == 200, response.read()
                token = json.loads(response.read())["token"]
                client.close()
            except OSError:
                time.sleep(0.3)
        assert token, (root / "gunicorn.log").read_text()
        yield Site(port, token, seeded.stdout.strip().splitlines()[-1]), server, root / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.postgres
def test_a_postgresql_restart_under_load_gives_clean_503s_then_200s_without_restarting_the_app(site, cluster):
    web, server, log = site
    # given four clients asking the API (as an integration) and a page (in Russian) without pause
    answers: list[Answer] = []
    stop = threading.Event()

    def client(index: int) -> None:
        while not stop.is_set():
            answers.append(web.ask("api" if index % 2 else "page"))

    clients = [threading.Thread(target=client, args=(index,)) for index in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)
        # when PostgreSQL stops (connections cut), stays down for a while and starts again
        went_down = time.monotonic()
        cluster.stop()
        time.sleep(3)
        cluster.start()
        came_back = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for thread in clients:
            thread.join(60)

    # then every answer was a 200 or a clean 503, never a 500
    assert {answer.status for answer in answers} == {200, 503}, log.read_text()[-3000:]
    outage = [answer for answer in answers if answer.status == 503]
    assert {answer.kind for answer in outage} == {"api", "page"}
    for answer in outage:
        assert answer.retry_after == str(RETRY_AFTER_SECONDS)
        assert "Traceback" not in answer.body
        if answer.kind == "api":
            assert answer.content_type == "application/json"
            assert json.loads(answer.body) == {"detail": API_DETAIL}
        else:
            assert answer.content_type.startswith("text/html")
            assert RUSSIAN_TITLE in answer.body
    # and before the stop and from the moment the database was back, everything answered 200
    assert all(answer.status == 200 for answer in answers if answer.ended < went_down)
    after = [answer for answer in answers if answer.started > came_back]
    assert after, "no request was made after the restart"
    assert all(answer.status == 200 for answer in after), [(a.kind, a.status) for a in after]
    # by the same gunicorn, never restarted
    assert server.poll() is None


@pytest.mark.postgres
def test_connections_kept_across_a_quiet_restart_are_renewed_by_the_health_check(site, cluster):
    web, server, log = site
    # given both gunicorn workers hold a persistent connection
    for _ in range(100):
        assert web.ask("api").status == 200
        if connections_held(cluster) >= 2:
            break
    assert connections_held(cluster) >= 2, "the workers keep their connections (CONN_MAX_AGE)"
    # when PostgreSQL restarts while nobody asks, leaving those connections dead
    cluster.stop()
    cluster.start()
    # then the next requests all succeed: each worker notices its dead connection and opens a new one
    answers = [web.ask("api" if index % 2 else "page") for index in range(12)]
    assert [answer.status for answer in answers] == [200] * 12, log.read_text()[-3000:]
    assert connections_held(cluster) >= 1
    assert server.poll() is None
