"""Columns of an import file: found by key or by header in either language, users found by e-mail or username.

Every importer of model rows names its columns by the model's field names
(the key, ``planned_cost``) and writes the field's verbose name as the
template's header (``Planned cost``, ``Плановые затраты``); a file may use
either, in either language, in any order. The engine's mapping step
(:func:`imports.services.import_job_map`) renames the other headers of a
file to keys before the importer plans, so importers recognise keys only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from imports.tabular import DateOutsideWindow, Row, Table, cell_text, parse_amount, parse_date

DATE_FORMAT = "%d.%m.%Y"  # the Russian Excel dialect; ISO dates and XLSX dates are read too


class Columns:
    """The columns of one kind of import: key → the model field whose verbose name is the header."""

    def __init__(self, model, fields: dict[str, str] | tuple[str, ...]):
        self.model = model
        # A tuple of keys: each key is its model field's name.
        self.fields = fields if isinstance(fields, dict) else {key: key for key in fields}
        self._aliases: dict[str, set[str]] | None = None

    def __iter__(self):
        return iter(self.fields)

    def header_for(self, key: str) -> str:
        """The column's header in the active language (the template's header row)."""
        return capfirst(str(self.model._meta.get_field(self.fields[key]).verbose_name))

    def headers(self) -> list[str]:
        return [self.header_for(key) for key in self.fields]

    def aliases(self, key: str) -> set[str]:
        """Every way a file may name the column: its key, the key with spaces, its header in each language."""
        if self._aliases is None:
            self._aliases = {}
            for each in self.fields:
                names = {each, each.replace("_", " ")}
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        names.add(self.header_for(each))
                self._aliases[each] = {name.casefold() for name in names}
        return self._aliases[key]

    def key_of(self, header: str) -> str | None:
        """The key a file's header stands for (``None`` when the importer does not know it)."""
        wanted = (header or "").strip().casefold()
        return next((key for key in self.fields if wanted in self.aliases(key)), None)

    def find(self, table: Table) -> dict[str, str | None]:
        """Each known column's header as written in the file (``None`` when absent)."""
        lowered = {h.strip().casefold(): h.strip() for h in table.header}
        return {
            key: next((lowered[alias] for alias in self.aliases(key) if alias in lowered), None) for key in self.fields
        }


class RowReader:
    """One row's cells by key, and its refusals written as ``column: message`` (the file's header when present)."""

    def __init__(self, row: Row, found: dict[str, str | None], columns: Columns):
        self.row = row
        self.found = found
        self.columns = columns
        self.errors: list[str] = [row.shape_error] if row.shape_error else []
        self.refused: set[str] = set()

    def has(self, key: str) -> bool:
        return self.found.get(key) is not None

    def text(self, key: str) -> str | None:
        """The cell's text; ``None`` when the file has no such column (left alone on update)."""
        return cell_text(self.row, self.found[key]) if self.has(key) else None

    def raw(self, key: str):
        """The cell as read (an XLSX date or number stays one)."""
        return self.row.values.get(self.found[key].casefold()) if self.has(key) else None

    def refuse(self, key: str, message: str) -> None:
        self.refused.add(key)
        column = self.found.get(key) or self.columns.header_for(key)
        self.errors.append(_("%(column)s: %(message)s") % {"column": column, "message": message})

    def amount(self, key: str, *, negative: bool = False):
        """A money cell (``1 500,00``, ``1,500.00``): ``None`` when empty or wrong (then refused)."""
        if not self.text(key):
            return None
        try:
            amount = parse_amount(self.raw(key))
        except ValueError:
            self.refuse(key, _("%(value)s is not an amount with at most two decimals") % {"value": self.text(key)})
            return None
        if amount < 0 and not negative:
            self.refuse(key, _("the amount must not be negative"))
            return None
        return amount

    def date(self, key: str) -> datetime.date | None:
        """A date cell (``dd.mm.yyyy``, ISO, or an XLSX date): ``None`` when empty or wrong (then refused)."""
        if not self.text(key):
            return None
        try:
            return parse_date(self.raw(key), DATE_FORMAT)
        except DateOutsideWindow as exc:
            self.refuse(key, str(exc))
        except ValueError:
            self.refuse(key, _("%(value)s is not a date (dd.mm.yyyy or yyyy-mm-dd)") % {"value": self.text(key)})
        return None

    def whole_number(self, key: str) -> int | None:
        text = (self.text(key) or "").replace(" ", "").replace("\xa0", "")
        if not text:
            return None
        if text.endswith((".0", ",0")):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            self.refuse(key, _("%(value)s is not a whole number, zero or more") % {"value": self.text(key)})
            return None
        return int(text)

    def identifier(self) -> int | None:
        """MRM's own id (the list exports' ``ID`` column)."""
        text = self.text("id") or ""
        if not text:
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            self.refuse("id", _("%(value)s is not an ID") % {"value": self.text("id")})
            return None
        return int(text)


def users_by_name(names, *, related: tuple[str, ...] = ()) -> dict:
    """The users named by e-mail or username (case-insensitive), in one query; a username wins over an e-mail.

    ``related``: relations prefetched with them (``("groups", "memberships")`` when each row asks their roles).
    """
    wanted = {name.casefold() for name in names if name}
    found: dict = {}
    if not wanted:
        return found
    matches = (
        get_user_model()
        .objects.annotate(email_key=Lower("email"), username_key=Lower("username"))
        .filter(Q(email_key__in=wanted) | Q(username_key__in=wanted))
        .prefetch_related(*related)
    )
    for user in matches:
        # Usernames are unique; e-mails may repeat.
        found.setdefault(user.email.casefold(), user)
        found[user.username.casefold()] = user
    return found


def choice_of(choices, text: str) -> str | None:
    """A choice's value named by its value or its label in any language (``Завершено`` → ``completed``)."""
    wanted = (text or "").strip().casefold()
    for value, label in choices:
        if wanted in (value, value.replace("_", " ")):
            return value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if wanted == str(label).casefold():
                    return value
    return None


def values_of(table: Table, column: str | None) -> set[str]:
    """The distinct non-empty texts of a column (what the look-ups read before the rows are planned)."""
    return {cell_text(row, column) for row in table.rows} - {""} if column else set()


def rename_headers(table: Table, columns: dict[str, str]) -> Table:
    """The table with each mapped header renamed to its key; a header mapped to "" is dropped (ignored)."""
    if not columns:
        return table
    lookup = {header.strip().casefold(): key for header, key in columns.items()}
    kept = []
    for header in table.header:
        target = lookup.get(header.strip().casefold(), header)
        if target:
            kept.append((header.casefold(), target))
    rows = [
        Row(
            line=row.line,
            cells=row.cells,
            values={new.casefold(): row.values.get(old) for old, new in kept},
            shape_error=row.shape_error,
        )
        for row in table.rows
    ]
    return Table(header=[new for _old, new in kept], rows=rows)
