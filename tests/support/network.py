"""Waiting for a page to finish loading, without Playwright's fixed half-second.

``wait_for_load_state("networkidle")`` waits until no request has been in
flight for 500 ms: half a second of idle time per page, most of the every-page
crawl's loading time. Here a page is loaded once its load event has fired and
no request it made (htmx fragments, the calendar's events, scripts, styles,
fonts) is in flight over two animation frames in a row. The requests are
counted from Playwright's own events: nothing runs in the page, so its
Content-Security-Policy and its scripts are as a person's browser has them.
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

#: Two animation frames: what a script starts on load has started, what the layout changes is drawn.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


class _InFlight:
    """The requests of one page that have started and not yet finished or failed.

    Methods, not a bare set: Playwright marks each handler it is given, which a
    builtin such as ``set.add`` does not allow.
    """

    def __init__(self):
        self.requests: set = set()

    def started(self, request) -> None:
        self.requests.add(request)

    def ended(self, request) -> None:
        self.requests.discard(request)


_WATCHED: WeakKeyDictionary = WeakKeyDictionary()


def watch(page):
    """Count ``page``'s requests in flight from now on (before it navigates); returns the page."""
    if page not in _WATCHED:
        in_flight = _WATCHED[page] = _InFlight()
        page.on("request", in_flight.started)
        page.on("requestfinished", in_flight.ended)
        page.on("requestfailed", in_flight.ended)
    return page


def settle(page, *, timeout: float = 15.0) -> None:
    """Wait until ``page`` (watched) has loaded and has no request in flight over two settled frames."""
    in_flight = _WATCHED[page].requests
    page.wait_for_load_state("load")
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        page.evaluate(SETTLED)
        quiet = 0 if in_flight else quiet + 1
        if in_flight and time.monotonic() > deadline:
            raise AssertionError(f"still loading after {timeout:.0f} s: {sorted(r.url for r in in_flight)}")
