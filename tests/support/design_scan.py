"""Find one-off styles in templates (docs/DESIGN.md, "The design gate").

A page template draws with the design system's components and meaning-named
classes, never with a look of its own. Each rule names what to use instead:

- a hand-written badge (``class="badge …"``): ``{% badge %}`` / ``{% badgeblock %}``
  (``mrm/templatetags/ui.py``), whose tone is a meaning (``mrm/badges.py``);
- a colour literal (``#1d4ed8``, ``rgb(…)``, ``hsl(…)``, ``fill="red"``):
  colours live in ``static/css/``, where their contrast is checked;
- a palette class (``bg-red-lt``, ``text-azure``, ``border-lime``): a meaning
  class (``text-danger``, ``border-info``) or a badge tone;
- a money cell that is not right-aligned: a ``<td>``/``<th>`` showing
  ``|money`` carries ``text-end`` (figures line up by their last digit);
- an empty state of its own: what a ``{% for %}`` shows when there is nothing
  (its ``{% empty %}``) is a ``text-secondary`` sentence in the list's own
  element (``<tr><td colspan="…" class="text-secondary">``, ``<li
  class="list-group-item text-secondary">``, ``<p class="text-secondary">``)
  or Tabler's ``.empty``;
- a select of people that cannot be searched: a ``<select>`` filled by
  ``{% person_options %}`` carries ``{% searchable %}`` (forms get it from
  ``mrm.widgets.QuickSelect``).

Inline ``style=`` and ``<style>`` are refused by the CSP gate
(``tests/support/template_scan.py``); a value computed per row is a CSS custom
property set by a script (``--pin-x`` in ``static/js/materials.js``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.support import template_scan
from tests.support.template_scan import COMMENT, TAG, Finding, _blank

CLASS_ATTR = re.compile(r"""(?:^|\s)class\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
PALETTE = "red|green|blue|yellow|orange|purple|azure|teal|pink|lime|cyan|indigo|gray|grey"
PALETTE_CLASS = re.compile(
    rf"(?<![\w-])(?:bg|text|border|link|btn|btn-outline|btn-ghost|alert|progress-bar)-(?:{PALETTE})(?:-lt|-fg)?(?![\w-])"
)
HEX = r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})(?![\w-])"
COLOUR_ATTRS = "fill|stroke|color|bgcolor|stop-color|flood-color|lighting-color"
COLOUR_LITERAL = re.compile(
    rf"""\b(?:rgba?|hsla?|oklch|oklab|lab|lch|hwb)\(|(?:^|[\s"'])(?:{COLOUR_ATTRS})\s*=\s*["']?\s*(?:{HEX}|(?!currentcolor|none|transparent|inherit|url)[a-z]+\b)|:\s*{HEX}""",
    re.IGNORECASE,
)
MONEY_CELL = re.compile(r"<(td|th)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
MONEY = re.compile(r"{{[^}]*\|\s*money\b")
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
PERSON_SELECT = re.compile(r"<select\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</select>", re.DOTALL | re.IGNORECASE)
EMPTY_BRANCH = re.compile(r"{%\s*empty\s*%}(.*?){%\s*endfor\s*%}", re.DOTALL)
#: Templates not drawn with Tabler: their own stylesheet says how an empty table looks.
OWN_STYLESHEET = {"reports/pdf.html"}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_text(text: str, path: Path) -> Iterator[Finding]:
    text = COMMENT.sub(_blank, text)
    for tag in TAG.finditer(text):
        attrs, line = tag.group(2), _line(text, tag.start())
        for value in CLASS_ATTR.findall(attrs):
            classes = TEMPLATE_TAG.sub(" ", value).strip("\"'").split()
            if "badge" in classes:
                yield Finding(path, line, "hand-written badge (use {% badge text tone %} from mrm/templatetags/ui.py)")
            for found in PALETTE_CLASS.findall(TEMPLATE_TAG.sub(" ", value)):
                yield Finding(
                    path, line, f"palette class {found} (use a meaning: text-danger, border-info, a badge tone)"
                )
        for found in COLOUR_LITERAL.finditer(attrs):
            yield Finding(path, line, f"colour literal {found.group(0).strip()!r} (colours live in static/css/)")
    for cell in MONEY_CELL.finditer(text):
        tag, attrs, body = cell.groups()
        if MONEY.search(body) and not MONEY_CELL.search(body):
            classes = " ".join(CLASS_ATTR.findall(attrs))
            if "text-end" not in classes:
                yield Finding(
                    path, _line(text, cell.start()), f"money cell <{tag}> without text-end (amounts line up right)"
                )
    yield from _empty_states(text, path)
    for select in PERSON_SELECT.finditer(text):
        attrs, body = select.groups()
        if "person_options" in body and "searchable" not in attrs and "data-search-select" not in attrs:
            yield Finding(path, _line(text, select.start()), "select of people without {% searchable %}")


def _empty_states(text: str, path: Path) -> Iterator[Finding]:
    if any(str(path).endswith(name) for name in OWN_STYLESHEET):
        return
    for branch in EMPTY_BRANCH.finditer(text):
        first = next((tag for tag in TAG.finditer(branch.group(1)) if tag.group(1).lower() != "tr"), None)
        if first is None or first.group(1).lower() not in {"td", "li", "p", "div"}:
            continue  # a dash, a sentence in a paragraph of its own, a nested template
        classes = TEMPLATE_TAG.sub(" ", " ".join(CLASS_ATTR.findall(first.group(2)))).strip("\"' ").split()
        if "text-secondary" not in classes and "empty" not in classes:
            line = _line(text, branch.start(1) + first.start())
            yield Finding(
                path, line, f"empty state <{first.group(1)}> without text-secondary (docs/DESIGN.md, empty state)"
            )


def scan_templates(paths: Iterable[Path], base_dir: Path | None = None) -> list[Finding]:
    return template_scan.scan_templates(paths, base_dir, scan=scan_text)
