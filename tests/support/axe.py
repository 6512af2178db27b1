"""Accessibility checks with axe-core in the browser tests.

axe-core is vendored at ``static/vendor/axe-core/axe.min.js`` (pinned in
``package.json``). MRM's CSP forbids injected ``<script>`` elements, so axe is
evaluated through Playwright's ``page.evaluate`` (the DevTools protocol is not
subject to the page's CSP), then ``axe.run`` audits the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
#: Impacts that fail a test; "moderate" and "minor" are reported by axe but do not.
FAILING_IMPACTS = ("serious", "critical")
#: Every impact axe reports: what the pages of issue 19 are held to.
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")

# Runs are chained on the window: an audit started by the load handler and
# one a test asks for never overlap (axe refuses concurrent runs).
RUN_AXE = """
async () => {
  const previous = window.__mrmAxeRun || Promise.resolve();
  const current = previous.catch(() => null).then(() => axe.run(document, {resultTypes: ["violations"]}));
  window.__mrmAxeRun = current;
  const result = await current;
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    detail: (v.nodes[0] && v.nodes[0].any.concat(v.nodes[0].all, v.nodes[0].none).map(c => c.message)[0]) || "",
  }));
}
"""


@cache
def axe_source() -> str:
    """axe as a function that defines it (the file is one IIFE over ``window``); sent where :data:`HAS_AXE` is false."""
    return "() => {\n" + AXE_PATH.read_text(encoding="utf-8") + "\n}"


#: Whether the document has axe already: asked first, so the 650 kB source crosses the DevTools
#: protocol and is compiled once per document, not once per audit (three widths, several checks).
HAS_AXE = "() => typeof window.axe !== 'undefined'"


@dataclass(frozen=True)
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    detail: str = ""  # axe's message for the first element (e.g. the contrast ratio and both colours)

    def __str__(self) -> str:
        line = f"{self.url}: [{self.impact}] {self.rule}: {self.help} at {', '.join(self.targets)}"
        return f"{line} ({self.detail})" if self.detail else line


class AccessibilityError(AssertionError):
    def __init__(self, violations: list[Violation]):
        self.violations = violations
        lines = "\n".join(f"  {v}" for v in violations)
        super().__init__(f"axe-core found serious or critical accessibility violations:\n{lines}")


def audit(page, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[Violation]:
    """The violations of the page as it is now: serious and critical unless ``impacts`` says otherwise."""
    if not page.evaluate(HAS_AXE):
        page.evaluate(axe_source())
    found = page.evaluate(RUN_AXE)
    return [
        Violation(page.url, v["id"], v["impact"], v["help"], tuple(v["targets"]), v.get("detail", ""))
        for v in found
        if v["impact"] in impacts
    ]


def every_violation(page) -> list[str]:
    """Every violation of the page as it is now, moderate and minor included (issue 19: "axe reports nothing")."""
    return [str(v) for v in audit(page, impacts=EVERY_IMPACT)]


def assert_accessible(page) -> None:
    """Fail now, listing the violations, if the page has serious or critical ones."""
    violations = audit(page)
    if violations:
        raise AccessibilityError(violations)


@dataclass
class PageAuditor:
    """Audits every document a test's page loads, and its final state.

    Pages outside the application (``about:blank``, ``data:``) are left out.
    """

    origins: tuple[str, ...] = ("http://localhost", "http://127.0.0.1")
    violations: list[Violation] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)

    def wants(self, page) -> bool:
        return page.url.startswith(self.origins)

    def on_load(self, page) -> None:
        if not self.wants(page):
            return
        try:
            found = audit(page)
        except Exception as exc:  # the test navigated on meanwhile; that page gets its own audit
            if "context was destroyed" in str(exc) or "navigat" in str(exc).lower() or "closed" in str(exc):
                return
            raise
        self.audited.append(page.url)
        self.violations += [v for v in found if v not in self.violations]

    def finish(self, page) -> None:
        if not page.is_closed():
            self.on_load(page)
        if self.violations:
            raise AccessibilityError(self.violations)
