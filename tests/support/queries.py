"""Query budgets: a list costs the same number of queries for 1 row and for 50.

Registered for every test through ``pytest_plugins`` in ``tests/conftest.py``::

    def test_campaign_list_has_no_n_plus_1(assert_constant_queries, api_as, marketer, team):
        client = api_as(marketer)
        assert_constant_queries(
            lambda: client.get("/api/v1/campaigns/?page_size=100"),
            lambda: CampaignFactory(team=team),
        )

See docs/TESTING.md, "Query budgets".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

DEFAULT_ROWS = 50


class QueryBudgetExceeded(AssertionError):
    """The list's cost grows with its rows: an N+1."""


def _count(response) -> int | None:
    """``count`` of a paginated API list, or the length of a JSON list."""
    try:
        payload = response.json()
    except (AttributeError, ValueError, TypeError):
        return None
    if isinstance(payload, dict) and "count" in payload:
        return payload["count"]
    if isinstance(payload, list):
        return len(payload)
    return None


def _check_status(response, label: str) -> None:
    status = getattr(response, "status_code", None)
    if status is not None and status >= 400:
        raise AssertionError(f"the list answered {status} with {label}; a budget of a refusal proves nothing")


def measure_constant_queries(
    fetch: Callable[[], Any],
    make_row: Callable[[], Any],
    *,
    rows: int = DEFAULT_ROWS,
    using: str = "default",
) -> tuple[int, int]:
    """Query counts of ``fetch()`` with 1 row and with ``rows`` rows; raise if they differ.

    ``fetch`` performs the request (a page or an API list) and returns the
    response; ``make_row`` creates one more row the list shows (a factory).
    A paginated API list must report ``rows - 1`` more results the second
    time, so a factory making rows the user cannot see fails instead of
    passing for nothing. Ask for a page big enough to hold every row
    (``?page_size=100``).
    """
    connection = connections[using]
    make_row()
    _check_status(fetch(), "1 row")  # warm-up: per-process caches (content types, sites) fill here
    with CaptureQueriesContext(connection) as one:
        first = fetch()
    _check_status(first, "1 row")
    for _ in range(rows - 1):
        make_row()
    with CaptureQueriesContext(connection) as many:
        second = fetch()
    _check_status(second, f"{rows} rows")
    before, after = _count(first), _count(second)
    if before is not None and after is not None and after - before != rows - 1:
        raise AssertionError(
            f"the list showed {before} then {after} rows after {rows - 1} more were made: "
            "make rows the user can see, and ask for a page that holds them all (?page_size=100)"
        )
    if len(one) != len(many):
        queries = "\n".join(f"  {q['sql'][:300]}" for q in many.captured_queries)
        raise QueryBudgetExceeded(
            f"{len(one)} queries for 1 row but {len(many)} for {rows} rows (an N+1: add select_related, "
            f"prefetch_related or annotate to the queryset). Queries with {rows} rows:\n{queries}"
        )
    return len(one), len(many)


@pytest.fixture
def assert_constant_queries(db):
    """``assert_constant_queries(fetch, make_row, rows=50)``: see :func:`measure_constant_queries`."""
    return measure_constant_queries
