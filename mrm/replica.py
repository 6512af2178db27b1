"""Report reads on a read replica, when one is configured (``DATABASE_REPLICA_URL``).

Reports and dashboards read a lot and write nothing, and a few seconds of
replication lag does not change a month's figures; everything else (pages
that show what the user just saved, every write) stays on the primary. Code
that computes a report wraps it in :func:`replica_reads`; the router sends
the reads made inside it to the ``replica`` database alias. Without the
setting nothing changes: the alias does not exist and the router says nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("mrm_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica (if configured)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Routes reads made inside :func:`replica_reads` to ``replica``; everything else to ``default``."""

    def db_for_read(self, model, **hints):
        if _reading_reports.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: objects from either relate

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary; migrations run there only
