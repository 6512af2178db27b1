"""The seam where imported accounting lines meet funding requests (PRODUCT.md §4).

Accounting lines arrive ``unmapped``. A *line matcher* looks at a line —
chiefly its ``request_number``, found in the comment or reference — and,
when an approved funding request of that number exists, records the line as
an expense against it (under spend control) and marks the line ``mapped``.

Funding requests and expenses are built on top of this module: their code
registers a matcher with :func:`register_line_matcher` (in its
``AppConfig.ready()``), and every import then offers its new lines to the
registered matchers inside the import's transaction. Until a matcher is
registered, every line stays in the unmapped queue — which is exactly what
"spend without a request" means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# A matcher takes one ActualLine (saved, status unmapped) and returns True when
# it mapped the line (it sets the status itself, through a service).
LineMatcher = Callable[[object], bool]

_MATCHERS: list[LineMatcher] = []


def register_line_matcher(matcher: LineMatcher) -> LineMatcher:
    """Add a matcher (idempotent); usable as a decorator."""
    if matcher not in _MATCHERS:
        _MATCHERS.append(matcher)
    return matcher


def unregister_line_matcher(matcher: LineMatcher) -> None:
    if matcher in _MATCHERS:
        _MATCHERS.remove(matcher)


def match_actual_lines(lines: Iterable) -> int:
    """Offer each line to the matchers in order; return how many were mapped."""
    mapped = 0
    for line in lines:
        for matcher in _MATCHERS:
            if matcher(line):
                mapped += 1
                break
    return mapped
