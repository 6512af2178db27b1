"""The seam where imported accounting lines meet funding requests (PRODUCT.md §4).

Accounting lines arrive ``unmapped``. A *line matcher* looks at lines —
chiefly their ``request_number``, found in the comment or reference — and,
when an approved funding request of that number exists, records a line as
an expense against it (under spend control) and marks the line ``mapped``.

Funding requests and expenses are built on top of this module: their code
registers a matcher with :func:`register_line_matcher` (in its
``AppConfig.ready()``), and every import then offers its new lines to the
registered matchers inside the import's transaction. Until a matcher is
registered, every line stays in the unmapped queue — which is exactly what
"spend without a request" means.

Matchers work on many lines at once: an import of 100 000 lines is matched
with a few queries per thousands of lines, not several queries per line
(docs/IMPORTS.md, "Performance").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

# A matcher takes ActualLines (saved, in the order they should be matched) and
# returns the ids of those it mapped (it sets their status itself, through a
# service, and leaves the others as it found them or with a reason).
LineMatcher = Callable[[Sequence], Collection[int]]

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
    """Offer the lines to each matcher in turn (a line mapped by one is not offered to the next); how many were mapped."""
    pending = list(lines)
    mapped = 0
    for matcher in _MATCHERS:
        if not pending:
            break
        done = set(matcher(pending))
        mapped += len(done)
        pending = [line for line in pending if line.pk not in done]
    return mapped
