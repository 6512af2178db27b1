"""Find what the strict CSP would block (or what would need it loosened) in templates.

MRM's policy is ``script-src 'self'`` and ``style-src 'self'``: JavaScript
lives in ``static/js/*.js`` and CSS in ``static/css/``. A template with an
inline ``<script>``, an ``on*=`` event handler, an ``hx-on`` attribute, a
``javascript:`` URL, a ``style=`` attribute or a ``<style>`` block breaks in
the browser (or tempts someone to add ``'unsafe-inline'``); this scanner names
each by file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# A tag: ``<name ...>``; template tags inside it (``{% if %}``) are part of the text.
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
EVENT_HANDLER = re.compile(r"(?:^|[\s\"'])(on[a-z]+)\s*=", re.IGNORECASE)
HX_ON = re.compile(r"(?:^|[\s\"'])((?:data-)?hx-on[:\-][\w:\-.]*)\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"(?:^|[\s\"'])style\s*=", re.IGNORECASE)
SRC_ATTR = re.compile(r"(?:^|\s)src\s*=", re.IGNORECASE)
TYPE_ATTR = re.compile(r"(?:^|\s)type\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE)
#: <script> types a browser never executes: data blocks.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _blank(match: re.Match) -> str:
    """Keep line numbers: replace a comment by its newlines only."""
    return "\n" * match.group(0).count("\n")


def scan_text(text: str, path: Path) -> Iterator[Finding]:
    text = COMMENT.sub(_blank, text)
    for tag in TAG.finditer(text):
        name, attrs = tag.group(1).lower(), tag.group(2)
        line = text.count("\n", 0, tag.start()) + 1
        if name == "script" and not SRC_ATTR.search(attrs):
            kind = TYPE_ATTR.search(attrs)
            if not (kind and kind.group(1).lower() in DATA_SCRIPT_TYPES):
                yield Finding(path, line, "inline <script> (move it to static/js/ and load it with src=)")
        if name == "style":
            yield Finding(path, line, "<style> block (move it to static/css/)")
        for handler in EVENT_HANDLER.finditer(attrs):
            yield Finding(path, line, f"inline event handler {handler.group(1)}= (bind it in static/js/)")
        for handler in HX_ON.finditer(attrs):
            yield Finding(path, line, f"{handler.group(1)}= runs inline script (bind it in static/js/)")
        if STYLE_ATTR.search(attrs):
            yield Finding(path, line, "style= attribute (use a class from static/css/)")
        if JAVASCRIPT_URL.search(attrs):
            yield Finding(path, line, "javascript: URL")


def template_files(base_dir: Path) -> list[Path]:
    """``templates/`` and every app's ``*/templates/`` (not the virtualenv or node_modules)."""
    roots = [base_dir / "templates", *base_dir.glob("*/templates")]
    files = []
    for root in roots:
        if root.is_dir() and not {".venv", "node_modules", "staticfiles"} & set(root.parts):
            files += [p for p in root.rglob("*") if p.is_file() and p.suffix in {".html", ".htm", ".svg", ".xml"}]
    return sorted(set(files))


def scan_templates(paths: Iterable[Path], base_dir: Path | None = None, *, scan=None) -> list[Finding]:
    """Every finding of ``scan`` (default :func:`scan_text`) over the files, named relative to ``base_dir``."""
    scan = scan or scan_text
    findings = []
    for path in paths:
        shown = path.relative_to(base_dir) if base_dir else path
        findings += scan(path.read_text(encoding="utf-8"), shown)
    return findings
