"""Which language a help reader gets, and how help text is folded for search (PRODUCT.md §7, §8 "Languages").

Articles are written per language (``HelpArticleTranslation``). A reader
gets the variant in his language (the language he chose in his profile,
else his browser's); an article not written in it falls back to the site's
default language, then to any language it is written in, and the page says so.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def language_tag_pattern() -> str:
    """A ``?lang=`` the API reads: one of ``settings.LANGUAGES`` in any case, maybe with a region (``ru-RU``).

    Written for the OpenAPI schema too (no inline flags): each letter as ``[rR]``.
    """
    codes = "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in code) for code in language_codes()
    )
    return f"^(?:{codes})(?:-[A-Za-z0-9]{{1,8}})*$"


def is_language_tag(value: str) -> bool:
    """Whether ``value`` names a language help is written in (see :func:`language_tag_pattern`)."""
    return re.fullmatch(language_tag_pattern(), value) is not None


def reader_language(language: str | None = None) -> str:
    """One of ``settings.LANGUAGES`` for a code (``ru``, ``ru-RU``, ``en-us``); the active language when empty."""
    codes = language_codes()
    candidate = (language or get_language() or "").strip().lower()
    if candidate in codes:
        return candidate
    base = candidate.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def language_of(user=None, requested: str | None = None) -> str:
    """The language to read help in: an explicit choice (``?lang=``), else the user's saved language, else the
    active one (the browser's, through ``LocaleMiddleware``).

    The saved language matters for API calls with a token, which the
    language middleware does not see as signed in.
    """
    if requested and requested.strip().lower().split("-")[0] in language_codes():
        return reader_language(requested)
    saved = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
    return reader_language(saved or None)


def fallback_order(language: str | None) -> list[str]:
    """Which variants to try for a reader: his own, then the site's default, then every other language."""
    return list(dict.fromkeys([reader_language(language), settings.LANGUAGE_CODE, *language_codes()]))


def search_text(*parts: str) -> str:
    """Text folded for searching in any alphabet and on any database.

    SQLite's ``LIKE`` folds only ASCII, so ``icontains`` would miss "Бюджет"
    for "бюджет" on the embedded default. A language version stores its text
    case-folded (and ``ё`` as ``е``, as Russian readers type it) and a search
    folds its query the same way.
    """
    return " ".join(parts).casefold().replace("ё", "е")
