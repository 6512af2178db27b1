"""Messages stored as a key with parameters, rendered in the reader's language when read.

A notification, or a note the system writes (a history entry's reason, the
note of an automatic withdrawal), used to be stored as text rendered in the
language of whoever caused it, so a Russian reader got English. Now it is
stored as a *message key* with JSON parameters (``"approvals.decided"``,
``{"outcome": "approve", "amount": "5000.00", ...}``) and rendered when it is
read: in the page's language in-app and in the API, in the recipient's
language in an e-mail. Money, dates and names stay data until then, so the
Russian reader sees ``3 000,00 ₽`` and ``1 мая 2026 г.`` and the English one
``₽3,000.00`` and ``May 1, 2026``.

The registry lives on the lowest floor (mrm core) so that every app can fill
it: notifications (a generic engine) stores and renders keys without knowing
which app owns them, and accounts (below notifications) registers its
handover messages too. Each app registers its keys in its
``AppConfig.ready()`` by importing its ``messages`` module::

    register_message(
        "changes.ready",
        title=gettext_lazy("Ready to apply: %(target)s"),
        body=gettext_lazy("Every affected team has acknowledged ..."),
    )
    register_message("approvals.decided", render=render_decision)   # (Params) -> Rendered

Parameters are JSON: money as decimal strings, dates and times as ISO
strings, names as the strings they were, choices as their stored values.
A renderer reads them through :class:`Params` (``params.money("amount")``).
An unknown key (an app was removed) or a renderer that fails renders the
fallback the caller kept (a notification keeps the text it was created
with), never an error page.

*Notes* are the same idea squeezed into an existing text column:
:func:`note` encodes a key and its parameters into a string (marked by a
control character nobody types), :func:`render_note` turns it back into text
in the active language and leaves people's own notes as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """A message in the active language: a title, a plain-text body and, for Markdown bodies, safe HTML."""

    title: str
    body: str = ""
    html: SafeString | None = None

    @property
    def body_html(self) -> SafeString:
        """The body for a page: the renderer's sanitised HTML, or the plain text escaped with its line breaks."""
        if self.html is not None:
            return self.html
        return mark_safe(linebreaks(escape(self.body))) if self.body else mark_safe("")  # noqa: S308 - escaped

    @property
    def text(self) -> str:
        """Title and body on one line each, for notes and plain lists."""
        return f"{self.title}\n{self.body}".strip() if self.body else self.title


class Params(Mapping):
    """A message's stored parameters, read with the formatting of the active language.

    Missing parameters read as empty rather than failing: a message written
    by an older version of the code still renders.
    """

    def __init__(self, data: Mapping | None):
        self._data = dict(data or {})

    def __getitem__(self, name):
        return self._data[name]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def has(self, name: str) -> bool:
        return self._data.get(name) not in (None, "", [])

    def text(self, name: str, default: str = "") -> str:
        value = self._data.get(name)
        return default if value in (None, "") else str(value)

    def decimal(self, name: str) -> Decimal | None:
        value = self._data.get(name)
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except (InvalidOperation, ValueError):
            return None

    def money(self, name: str) -> str:
        """A decimal string as money in the reader's locale (``3 000,00 ₽`` / ``₽3,000.00``)."""
        from mrm.templatetags.money import format_money

        amount = self.decimal(name)
        return "" if amount is None else format_money(amount)

    def number(self, name: str) -> str:
        value = self._data.get(name)
        return "" if value in (None, "") else formats.number_format(value, use_l10n=True)

    def date(self, name: str) -> str:
        """An ISO date (or date-time) as the reader's language writes a date."""
        value = self._data.get(name)
        if not value:
            return ""
        parsed = parse_datetime(str(value)) if "T" in str(value) else None
        day = timezone.localtime(parsed).date() if parsed and timezone.is_aware(parsed) else parse_date(str(value)[:10])
        return formats.date_format(day, "DATE_FORMAT") if day else str(value)

    def datetime(self, name: str) -> str:
        """An ISO date-time in the reader's time zone and language."""
        value = self._data.get(name)
        if not value:
            return ""
        parsed = parse_datetime(str(value))
        if parsed is None:
            return str(value)
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return formats.date_format(parsed, "DATETIME_FORMAT")

    def note(self, name: str) -> str:
        """A stored note: a system note rendered now, people's own words as they wrote them."""
        return render_note(self._data.get(name) or "")

    def join(self, name: str, separator: str = ", ") -> str:
        value = self._data.get(name) or []
        if isinstance(value, str):
            return value
        return separator.join(str(item) for item in value)

    def label(self, name: str, labels: Mapping) -> str:
        """A stored choice value (``"approve"``) as its label in the reader's language."""
        value = self._data.get(name)
        label = labels.get(value)
        return str(label) if label is not None else str(value or "")


Renderer = Callable[[Params], "Rendered | tuple[str, str] | str"]
FieldType = str  # "text", "money", "date", "datetime", "note", "join", "number"


@dataclass(frozen=True)
class Message:
    key: str
    renderer: Renderer

    def render(self, params: Mapping | None) -> Rendered:
        result = self.renderer(Params(params))
        if isinstance(result, Rendered):
            return result
        if isinstance(result, tuple):
            return Rendered(str(result[0]), str(result[1] or ""))
        return Rendered(str(result))


_MESSAGES: dict[str, Message] = {}


class _Formatted(dict):
    """Parameters ready for ``%`` formatting: a missing one reads as empty."""

    def __missing__(self, key):
        return ""


def _template_renderer(title, body, types: Mapping[str, FieldType]) -> Renderer:
    def render(params: Params) -> Rendered:
        values = _Formatted()
        for name in set(params) | set(types):
            kind = types.get(name, "text")
            values[name] = getattr(params, kind)(name)
        return Rendered(str(title) % values, (str(body) % values) if body else "")

    return render


def register_message(
    key: str,
    render: Renderer | None = None,
    *,
    title: str | Promise | None = None,
    body: str | Promise | None = None,
    types: Mapping[str, FieldType] | None = None,
) -> Message:
    """Register (or replace) how a message key renders.

    Either ``render`` (a function of :class:`Params`) or a ``title`` (and
    ``body``) with ``%(name)s`` placeholders, given as ``gettext_lazy`` so
    that they are translated when rendered; ``types`` says how to format a
    parameter (``{"amount": "money", "due": "datetime"}``, text otherwise).
    """
    if render is None:
        if title is None:
            raise ValueError(f"Message {key!r} needs a render function or a title.")
        render = _template_renderer(title, body, types or {})
    message = Message(key, render)
    _MESSAGES[key] = message
    return message


def unregister_message(key: str) -> None:
    _MESSAGES.pop(key, None)


def is_registered(key: str) -> bool:
    return key in _MESSAGES


def registered_keys() -> tuple[str, ...]:
    return tuple(sorted(_MESSAGES))


def render(key: str, params: Mapping | None = None, *, fallback: Rendered | None = None) -> Rendered:
    """The message in the active language; the fallback (or a neutral line) if it cannot be rendered.

    Never raises: an unknown key or a failing renderer is logged and shows
    the fallback, so one bad row never takes a page down.
    """
    message = _MESSAGES.get(key or "")
    if message is not None:
        try:
            return message.render(params)
        except Exception:  # a renderer bug or params from another version: show what we kept
            logger.exception("Message %r could not be rendered with %r", key, params)
    elif key:
        logger.warning("Unknown message key %r", key)
    if fallback is not None and (fallback.title or fallback.body):
        return fallback
    return Rendered(_("A message MRM can no longer show."))


# --- parameters --------------------------------------------------------------------------------


def clean_params(params: Mapping | None) -> dict:
    """Parameters as JSON data: Decimals as strings, dates as ISO; translated text is refused.

    A lazily translated string among the parameters would be frozen in the
    language of whoever caused the message, the very thing keys avoid: store
    the value (a choice's value, a number) and translate it in the renderer.
    """
    return {str(name): _clean_value(value, name) for name, value in (params or {}).items()}


def _clean_value(value, name):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        raise TypeError(f"Message parameter {name!r} is translated text: store a value and translate when rendering.")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return clean_params(value)
    if isinstance(value, Iterable):
        return [_clean_value(item, name) for item in value]
    raise TypeError(f"Message parameter {name!r} of type {type(value).__name__} is not JSON data.")


# --- notes: a key and parameters inside a text column -------------------------------------------------

NOTE_MARK = "\x1f"  # ASCII "unit separator": no keyboard types it, so people's notes never look like one


def note(key: str, *, limit: int | None = None, **params) -> str:
    """Encode a system note for a text column (``limit``: the column's length, e.g. 100 for history reasons).

    When the encoded note would not fit, the longest text parameters are
    shortened (names are the only long ones), never the key.
    """
    data = clean_params(params)
    encoded = _encode(key, data)
    while limit is not None and len(encoded) > limit:
        longest = max((name for name, value in data.items() if isinstance(value, str)), key=lambda n: len(data[n]))
        value = data[longest]
        if len(value) <= 1:
            raise ValueError(f"The note {key!r} cannot fit in {limit} characters.")
        data[longest] = value[: max(1, len(value) - (len(encoded) - limit) - 1)] + "…"
        encoded = _encode(key, data)
    return encoded


def _encode(key: str, data: dict) -> str:
    if not data:
        return f"{NOTE_MARK}{key}"
    return f"{NOTE_MARK}{key}{NOTE_MARK}{json.dumps(data, ensure_ascii=False, separators=(',', ':'))}"


def decode_note(value) -> tuple[str, dict] | None:
    """``(key, params)`` of an encoded note, or ``None`` for ordinary text."""
    if not isinstance(value, str) or not value.startswith(NOTE_MARK):
        return None
    key, _sep, raw = value[1:].partition(NOTE_MARK)
    try:
        params = json.loads(raw) if raw else {}
    except ValueError:
        params = {}
    return key, params if isinstance(params, dict) else {}


def render_note(value) -> str:
    """A note for a reader: a system note rendered in the active language, other text unchanged."""
    decoded = decode_note(value)
    if decoded is None:
        return "" if value is None else str(value)
    key, params = decoded
    return render(key, params).text


# --- legacy text: rows written before keys existed --------------------------------------------------


def _pattern(template: str) -> re.Pattern:
    """``"Handover from %(user)s"`` → a regular expression capturing ``user``."""
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def legacy_note(text, known: Mapping[str, Iterable[str]], *, limit: int | None = None) -> str | None:
    """The encoded note for a text written before keys existed, if it matches one of the known sentences.

    ``known`` maps a key to the sentences it was written as (English and the
    Russian translation of the time): ``{"accounts.handover_from":
    ["Handover from %(user)s", "Передано от пользователя %(user)s"]}``. Used
    by data migrations; text that matches nothing is left as it is.
    """
    if not isinstance(text, str) or not text or text.startswith(NOTE_MARK):
        return None
    for key, templates in known.items():
        for template in templates:
            match = _pattern(template).match(text.strip())
            if match:
                return note(key, limit=limit, **match.groupdict())
    return None


def rewrite_legacy_notes(queryset, field: str, known: Mapping[str, Iterable[str]], *, limit: int | None = None) -> int:
    """Data migrations: turn a column's known system sentences into encoded notes; returns how many changed.

    People's own words (anything that matches no known sentence) stay as they are.
    """
    changed = 0
    rows = queryset.filter(**{f"{field}__isnull": False}).exclude(**{field: ""}).only("pk", field)
    for row in rows.iterator():
        encoded = legacy_note(getattr(row, field), known, limit=limit)
        if encoded is not None:
            queryset.model._default_manager.filter(pk=row.pk).update(**{field: encoded})
            changed += 1
    return changed


def restore_notes_as_text(queryset, field: str, *, language: str = "en", limit: int | None = None) -> int:
    """Reverse of :func:`rewrite_legacy_notes`: encoded notes back to text in one language."""
    from django.utils import translation

    changed = 0
    rows = queryset.filter(**{f"{field}__startswith": NOTE_MARK}).only("pk", field)
    with translation.override(language):
        for row in rows.iterator():
            text = render_note(getattr(row, field))
            queryset.model._default_manager.filter(pk=row.pk).update(**{field: text[:limit] if limit else text})
            changed += 1
    return changed
