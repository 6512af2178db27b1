"""Real threads released at once, for the PostgreSQL race tests of money and approvals."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(jobs: list[Callable], timeout: float = 60) -> list:
    """Run every job in its own thread, released together by a barrier.

    Returns, per job in order, its result or the exception it raised. Each
    thread closes its own database connection, so the test database can be
    dropped afterwards.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index: int, job: Callable) -> None:
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as exc:  # collected for the assertions
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def race(count: int, work: Callable[[int], object]) -> tuple[list, list]:
    """Run ``work(index)`` in ``count`` threads at once; return (results, errors)."""
    outcomes = run_together([lambda index=index: work(index) for index in range(count)])
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    results = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    return results, errors
