"""Due dates in working days (Monday to Friday), as stages' SLAs are stated (PRODUCT.md §5)."""

from __future__ import annotations

import datetime as dt

SATURDAY = 5


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """``start`` moved forward by ``days`` working days, keeping the time of day.

    A request submitted on a weekend starts counting on Monday: a one-day SLA
    given on Saturday is due on Tuesday at that time of day.
    """
    current = start
    while current.weekday() >= SATURDAY:
        current += dt.timedelta(days=1)
    remaining = max(days, 0)
    while remaining:
        current += dt.timedelta(days=1)
        if current.weekday() < SATURDAY:
            remaining -= 1
    return current
