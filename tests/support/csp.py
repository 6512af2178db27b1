"""Content-Security-Policy violations in the browser tests.

The template scan (``tests/gates/test_security.py``) finds inline script in
templates; this catches what it cannot: script or style a view, a template tag
or a JavaScript file puts into the page at run time, which MRM's strict CSP
then blocks, leaving a page that silently does not work. Chromium reports each
blocked resource as a console error; the ``page`` fixture of the browser tests
(``tests/browser/conftest.py``) fails the test on any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CSPViolationError(AssertionError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        lines = "\n".join(f"  {m}" for m in messages)
        super().__init__(f"the browser blocked content under the Content-Security-Policy:\n{lines}")


@dataclass
class CSPWatcher:
    """Collects the CSP violations the browser reports while a test runs."""

    messages: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        # A refused frame ("frame-ancestors") is the policy protecting a page from being embedded
        # elsewhere, which tests check on purpose; anything else blocked is a page that does not work.
        if (
            message.type == "error"
            and "Content Security Policy" in message.text
            and "frame-ancestors" not in message.text
        ):
            where = (message.location or {}).get("url", "")
            self.messages.append(f"{where}: {message.text}" if where else message.text)

    def finish(self) -> None:
        if self.messages:
            raise CSPViolationError(list(dict.fromkeys(self.messages)))
