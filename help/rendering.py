"""Markdown of help articles and answers, rendered then sanitised (PRODUCT.md §7).

Authors write Markdown; ``markdown`` turns it into HTML and ``nh3`` keeps only
an allow-list of tags and attributes, so a ``<script>``, an ``onclick`` or a
``javascript:`` link typed into an article never reaches a reader's browser
(the strict CSP would block it too, this is the first wall). Links open
without leaking the reader's page (``rel="noopener noreferrer"``).
"""

from __future__ import annotations

import re
from html import unescape

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to put into a template as is."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LINE_END = re.compile(r"(</(li|tr|dt|dd)>|<br\s*/?>)\s*")
_BLOCK_END = re.compile(r"(</(p|h[1-6]|pre|blockquote|table|ul|ol)>|<hr\s*/?>)\s*")


def markdown_to_text(text: str) -> str:
    """Markdown → plain text for e-mails: no markup, links written out, one item per line.

    Goes through the same sanitiser as the page, so what the e-mail says is
    what the page shows, never more.
    """
    html = str(render_markdown(text))

    def link(match: re.Match) -> str:
        url, label = match.group(1), match.group(2)
        plain = nh3.clean(label, tags=set())
        return plain if unescape(url) == unescape(plain) else f"{plain} ({url})"

    html = _LINK.sub(link, html)
    html = re.sub(r"<li>", "- ", html)
    html = _LINE_END.sub("\n", html)
    html = _BLOCK_END.sub("\n\n", html)
    plain = unescape(nh3.clean(html, tags=set()))
    lines = [line.rstrip() for line in plain.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
