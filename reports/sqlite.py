"""``MRM_MEDIAN(x)`` on SQLite, which has no median (PostgreSQL answers ``percentile_cont``).

The dashboards' approvals funnel asks the database for the median time in
stage (:class:`reports.selectors.Median`); on the embedded SQLite default this
aggregate, registered on each new connection, answers it in the same grouped
query.
"""

from __future__ import annotations


class SQLiteMedian:
    """A SQLite aggregate: the middle value (mean of the two middle ones), NULLs ignored."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        middle = len(values) // 2
        if len(values) % 2:
            return values[middle]
        return (values[middle - 1] + values[middle]) / 2


def register_median(sender, connection, **kwargs):
    """``connection_created`` receiver: adds ``MRM_MEDIAN`` to a new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MRM_MEDIAN", 1, SQLiteMedian)
