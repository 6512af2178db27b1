"""The bounds every input is held to, defined once (forms, serializers, filters and imports use them).

An id, a date or an amount outside what the database and the product can
hold must be refused with a clear message where it comes in, never reach
the database as an overflow (a 500 for everybody).
"""

from __future__ import annotations

import re

#: The largest id a database integer (PostgreSQL bigint) holds.
MAX_ID = 2**63 - 1

#: An id as people and programs write it: ASCII digits only (no ``１``, ``٣``, ``1e5`` or ``1_000``).
_ASCII_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """``value`` as a row id (1 … MAX_ID), or ``None`` when it cannot be one."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


#: An integer column's value: ASCII digits with an optional minus, within a bigint.
_ASCII_INT = re.compile(r"-?[0-9]{1,19}")
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


def parse_int(value) -> int | None:
    """``value`` as an integer a database column holds, or ``None``."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_INT.fullmatch(text):
        return None
    number = int(text)
    return number if MIN_INT <= number <= MAX_INT else None
