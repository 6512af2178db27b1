"""Scheduled jobs that handle rows one at a time (PRODUCT.md §5, §7: reminders, escalations, stale checks)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import QuerySet


def each_locked(candidates: QuerySet) -> Iterator:
    """Yield each row of ``candidates``, locked, inside a transaction of its own.

    Beat ticks and manual runs may overlap, so each row is read again under
    ``select_for_update`` with the same filter: a row another run has already
    handled (its marker set, its status moved on) is skipped, never handled
    twice. What the caller does with a row commits with it. Do not ``break``
    out of the loop: closing the generator rolls back the row in hand.
    """
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            row = candidates.select_for_update(of=("self",)).filter(pk=pk).first()
            if row is not None:
                yield row
