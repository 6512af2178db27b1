"""The sweeper: finds jobs stuck past their limit and re-queues or fails them, honestly.

A worker killed mid-job (``kill -9``, out of memory, a host lost) leaves its
job row in a running state that nothing else would ever change, and a
message lost with a broker's data leaves one queued forever. Each app that
keeps job rows with states registers a sweep for them in its
``AppConfig.ready()``::

    register_sweep("reports.runs", sweep_report_runs)

A sweep takes ``now`` and returns how many rows it re-queued or failed. It
re-queues through the outbox (``enqueue`` with a ``dedupe_key``) and, past a
number of attempts, fails the row with a reason its page shows. The beat job
``outbox-sweep`` runs every sweep; one that raises is logged and the others
still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger("outbox")

Sweep = Callable[..., int]
_sweeps: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    """Let ``sweep(now=...)`` look for this app's stuck jobs on every sweeper run."""
    _sweeps[name] = sweep


def registered_sweeps() -> dict[str, Sweep]:
    return dict(_sweeps)


def sweep_stuck_jobs(*, now: datetime | None = None) -> dict[str, int | None]:
    """Run every registered sweep; returns rows handled per sweep (``None``: that sweep failed)."""
    now = now or timezone.now()
    handled: dict[str, int | None] = {}
    for name, sweep in _sweeps.items():
        try:
            handled[name] = sweep(now=now)
        except Exception:
            logger.exception("sweeper: %s failed", name)
            handled[name] = None
        else:
            if handled[name]:
                logger.warning("sweeper: %s re-queued or failed %s stuck job(s)", name, handled[name])
    return handled
