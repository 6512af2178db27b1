"""The API's JSON parser: a body is an object of bounded depth without NUL characters.

DRF's own parser hands any JSON value to the view: ``PATCH /api/v1/tasks/7/``
with ``null``, ``7`` or ``[{}]`` reached code that expects a mapping (a 500),
an array nested 30 000 deep overflowed the interpreter's stack, ``1e309``
became an infinite float (a 500 when used as an id), and NUL characters in
keys or unknown fields travelled on (PostgreSQL refuses them in text). Every
JSON body passes here first (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)
and each of those is a 400 with a message saying what is wrong.
"""

from __future__ import annotations

import codecs
import json
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _no_constant(name: str):
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(_("The number %(number)s is too large.") % {"number": text[:40]})
    return number


def check_document(data, *, max_depth: int) -> None:
    """Raise ``ParseError`` unless ``data`` nests at most ``max_depth`` levels and no string holds a NUL.

    A NUL in a value is reported under the body's top-level key it sits in
    (``{"name": ["…"]}``, like any field error); one in a key, or a body too
    deep, as ``{"detail": "…"}``. Walks the document without recursion (a
    hostile document must not be able to exhaust the stack here either).
    """
    too_deep = _("The JSON body nests deeper than %(depth)s levels.") % {"depth": max_depth}
    nul = _("The JSON body contains a NUL character (\\u0000).")
    pending = [(data, 1, None)]
    while pending:
        value, depth, field = pending.pop()
        if isinstance(value, dict):
            if depth > max_depth:
                raise ParseError(too_deep)
            for key, item in value.items():
                if "\x00" in key:
                    raise ParseError(nul)
                pending.append((item, depth + 1, key if field is None else field))
        elif isinstance(value, list):
            if depth > max_depth:
                raise ParseError(too_deep)
            pending.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            raise ParseError({field: [nul]} if field is not None else nul)


class JSONParser(parsers.JSONParser):
    """JSON bodies as objects of bounded depth (``MRM_JSON_MAX_DEPTH``), no NUL, finite numbers."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The JSON body cannot be read as %(encoding)s.") % {"encoding": encoding}) from exc
        max_depth = getattr(settings, "MRM_JSON_MAX_DEPTH", 32)
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
        except RecursionError as exc:
            raise ParseError(_("The JSON body nests deeper than %(depth)s levels.") % {"depth": max_depth}) from exc
        except ValueError as exc:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from exc
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object ({…})."))
        check_document(data, max_depth=max_depth)
        return data
