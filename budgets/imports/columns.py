"""The columns of the funding-request and spend imports: keys, headers in either language, and look-ups.

A column's key is the model field's name (``expected_leads``); its header is
the field's verbose name in the active language (``Expected leads``,
``Ожидаемые лиды``), the template's header row; MRM's own id is ``ID``, as
the list exports write it in their first column. A file's header may use
any of these, in either language, in any order — the campaigns importer's
rule (``campaigns/importers.py``), said here for any model.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from imports.tabular import DateOutsideWindow, Row, Table, cell_text, parse_amount, parse_date

DATE_FORMAT = "%d.%m.%Y"  # the Russian Excel dialect; ISO dates and XLSX dates are read too


class Columns:
    """The columns of one model's import, in template order."""

    def __init__(self, model, keys: tuple[str, ...]):
        self.model, self.keys = model, keys

    def header(self, key: str) -> str:
        if key == "id":
            return "ID"
        return capfirst(str(self.model._meta.get_field(key).verbose_name))

    def headers(self) -> list[str]:
        return [self.header(key) for key in self.keys]

    def aliases(self, key: str) -> set[str]:
        names = {key, key.replace("_", " ")}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(self.header(key))
        return {name.casefold() for name in names}

    def find(self, table: Table) -> dict[str, str | None]:
        """Each column's header as the file writes it (``None`` when absent)."""
        lowered = {h.strip().casefold(): h.strip() for h in table.header}
        return {key: next((lowered[a] for a in self.aliases(key) if a in lowered), None) for key in self.keys}


class RowReader:
    """One row's cells by key, and its errors as ``column: message`` (the column as the file names it)."""

    def __init__(self, row: Row, found: dict[str, str | None], columns: Columns):
        self.row, self.found, self.columns = row, found, columns
        self.errors: list[str] = [row.shape_error] if row.shape_error else []

    def refuse(self, key: str, message: str) -> None:
        column = self.found.get(key) or self.columns.header(key)
        self.errors.append(_("%(column)s: %(message)s") % {"column": column, "message": message})

    def text(self, key: str) -> str | None:
        """The cell's text; ``None`` when the file has no such column."""
        return cell_text(self.row, self.found[key]) if self.found.get(key) else None

    def raw(self, key: str):
        return self.row.values.get(self.found[key].casefold()) if self.found.get(key) else None

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
        """MRM's own id (the exports' ``ID`` column)."""
        text = self.text("id") or ""
        if not text:
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            self.refuse("id", _("%(value)s is not an ID") % {"value": self.text("id")})
            return None
        return int(text)


def choice_of(text: str, choices) -> str | None:
    """A ``TextChoices`` value from its value or its label in any language (``approved``, ``Одобрен``)."""
    wanted = (text or "").strip().casefold()
    for value, label in choices.choices:
        if wanted in (value, value.replace("_", " ")):
            return value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if wanted == str(label).casefold():
                    return value
    return None


def users_named(names: set[str]) -> dict:
    """Users by lower-cased e-mail or username, in one query (a username wins over a shared e-mail)."""
    users: dict = {}
    names = {name.casefold() for name in names if name}
    if not names:
        return users
    matches = (
        get_user_model()
        .objects.annotate(email_key=Lower("email"), username_key=Lower("username"))
        .filter(Q(email_key__in=names) | Q(username_key__in=names))
        .prefetch_related("groups", "memberships")
    )
    for user in matches:
        users.setdefault(user.email.casefold(), user)
        users[user.username.casefold()] = user
    return users


def values_of(table: Table, column: str | None) -> set[str]:
    return {cell_text(row, column) for row in table.rows} - {""} if column else set()


def start_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """A date cell written into a date-time field: that day's start in MRM's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
