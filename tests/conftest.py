"""Fixtures shared by every test: users per role, API clients, the browser.

Fixtures are named by who they are (``marketer``, ``other_team_marketer``) so a
test reads like the product's permission rules (PRODUCT.md §2).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD, TeamFactory, UserFactory

# Helpers every test may use: assert_constant_queries (docs/TESTING.md); a broker and a
# cache as production has them (use_broker, dead_broker, memory_broker, redis_cache); S3-compatible
# storage on a real server process (s3_storage).
pytest_plugins = ["tests.support.queries", "tests.support.broker", "tests.support.s3"]

# live_server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    """Tests that need a server run only where it exists (CI has both).

    They are deselected, not skipped: the embedded default has no PostgreSQL
    or Redis to offer, and CI's PostgreSQL + Redis run executes all of them.
    """
    keep, drop = [], []
    for item in items:
        needs_pg = item.get_closest_marker("postgres") and not uses_postgresql()
        needs_redis = item.get_closest_marker("redis") and not settings.REDIS_URL
        (drop if needs_pg or needs_redis else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _did_not_run(outcome: str) -> bool:
    """Skipped, or marked as expected to fail (pytest files those as "x..." outcomes, passing or not)."""
    return outcome == "skipped" or outcome.startswith("x")


def pytest_sessionfinish(session, exitstatus):
    """In CI (``CI`` set, as ``.ci/run`` does) a test that did not run fails the run.

    A skipped or expected-to-fail test would let a broken feature pass CI
    unnoticed; issue 2 asks that no test be skipped in CI.
    """
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not os.environ.get("CI") or reporter is None or session.exitstatus != pytest.ExitCode.OK:
        return
    not_run = [
        report.nodeid
        for outcome, reports in reporter.stats.items()
        if _did_not_run(outcome)
        for report in reports
        if getattr(report, "nodeid", None)
    ]
    if not_run:
        reporter.write_line(f"CI runs every test, but these did not run: {', '.join(not_run)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def team(db):
    return TeamFactory(name="Brand", slug="brand")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Events", slug="events")


@pytest.fixture
def marketer(team):
    return UserFactory(username="marketer", roles=["marketer"], teams=[team])


@pytest.fixture
def other_team_marketer(other_team):
    return UserFactory(username="events-marketer", roles=["marketer"], teams=[other_team])


@pytest.fixture
def approver(db):
    return UserFactory(username="cmo", roles=["approver"])


@pytest.fixture
def cmo(db):
    """The CMO as the demo has him: an approver who also reads everything (leadership)."""
    return UserFactory(username="the-cmo", roles=["approver", "leadership"])


@pytest.fixture
def leadership_user(db):
    """A marketing director: reads every campaign and all money, changes nothing (PRODUCT.md §2)."""
    return UserFactory(username="director", roles=["leadership"])


@pytest.fixture
def finance_user(db):
    return UserFactory(username="finance", roles=["finance"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=["admin"])


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: the sign-in throttle and the API's rate limits count per client
    address there, and one test's failed sign-ins must not throttle the next test's."""
    from django.core.cache import cache

    cache.clear()


DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def categories_csv() -> bytes:
    """The finance categories sample (tests/data), as finance would upload it."""
    return (DATA / "expense_categories.csv").read_bytes()


@pytest.fixture
def accounting_csv() -> bytes:
    """The accounting system's export sample, in Windows-1251 (tests/data)."""
    return (DATA / "accounting_export_cp1251.csv").read_bytes()


@pytest.fixture
def accounting_source(db):
    from tests.budgets.factories import ImportSourceFactory

    return ImportSourceFactory()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a test that rendered something in Russian
    must not leave Russian active for whichever test its process runs next."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)`` returns an API client authenticated as that user."""

    def login(user):
        api_client.force_authenticate(user=user)
        return api_client

    return login
