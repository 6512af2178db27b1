"""The bounds every input is held to, defined once (forms, serializers, filters and imports use them).

An id, a date or an amount outside what the database and the product can
hold must be refused with a clear message where it comes in, never reach
the database as an overflow (a 500 for everybody).
"""

from __future__ import annotations

import datetime
import logging
import math
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

logger = logging.getLogger(__name__)

#: The largest id a database integer (PostgreSQL bigint) holds.
MAX_ID = 2**63 - 1

#: An id as people and programs write it: ASCII digits only (no ``１``, ``٣``, ``1e5`` or ``1_000``).
_ASCII_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """``value`` as a row id (1 … MAX_ID), or ``None`` when it cannot be one."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


#: An integer column's value: ASCII digits with an optional minus, within a bigint.
_ASCII_INT = re.compile(r"-?[0-9]{1,19}")
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


def parse_int(value) -> int | None:
    """``value`` as an integer a database column holds, or ``None``."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_INT.fullmatch(text):
        return None
    number = int(text)
    return number if MIN_INT <= number <= MAX_INT else None


# --- dates ------------------------------------------------------------------------------
#
# A date typed as 0001-01-01 or 9999-12-31 is a slip, and it broke every
# reader that adds a day (the calendar, the ICS feed): the accepted window
# is MRM_DATE_MIN_YEAR … MRM_DATE_MAX_YEAR (2000–2100 unless configured).


def date_window() -> tuple[datetime.date, datetime.date]:
    """The first and the last day a stored date may be (settings ``MRM_DATE_MIN_YEAR``/``MRM_DATE_MAX_YEAR``)."""
    first = getattr(settings, "MRM_DATE_MIN_YEAR", 2000)
    last = getattr(settings, "MRM_DATE_MAX_YEAR", 2100)
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def _day(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def date_in_window(value) -> bool:
    first, last = date_window()
    return first <= _day(value) <= last


def validate_date_in_window(value) -> None:
    """The validator of every date people or programs enter (model fields, forms, serializers, imports)."""
    if value is None or value == "":
        return
    if not isinstance(value, datetime.date) or not date_in_window(value):
        first, last = date_window()
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )


def clamp_date(value: datetime.date) -> datetime.date:
    """``value`` moved into the window: what readers show for a row stored before the window held."""
    first, last = date_window()
    return min(max(value, first), last)


def day_after(value: datetime.date) -> datetime.date:
    """The exclusive end of an all-day span ending on ``value`` (clamped, so it never overflows)."""
    return clamp_date(value) + datetime.timedelta(days=1)


# --- money and decimals -----------------------------------------------------------------
#
# ``Decimal()`` reads ``١٠٠``, ``१००``, ``１００``, ``1_000``, ``1e5``, ``NaN`` and
# ``Infinity``: none of them is an amount a person typed into a money field.
# An amount is ASCII digits, an optional minus and a point.

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
#: The model fields' keyword arguments of every money column.
MONEY = {"max_digits": MONEY_MAX_DIGITS, "decimal_places": MONEY_DECIMAL_PLACES}

_ASCII_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_decimal(value) -> Decimal | None:
    """``value`` as a finite Decimal when it is one written in ASCII digits, else ``None``.

    Accepts a Decimal or an int as they are, a finite float through its
    shortest text (JSON numbers), and text such as ``-1500.00``; refuses
    every other script's digits, underscores, exponents, NaN and Infinity.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)
        if "e" in value or "E" in value:
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _ASCII_DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def fits(amount: Decimal, *, max_digits: int = MONEY_MAX_DIGITS, decimal_places: int = MONEY_DECIMAL_PLACES) -> bool:
    """Whether ``amount`` fits a ``DecimalField(max_digits, decimal_places)`` without rounding."""
    if not amount.is_finite():
        return False
    if amount != amount.quantize(Decimal(1).scaleb(-decimal_places)):
        return False
    return abs(amount) < Decimal(10) ** (max_digits - decimal_places)


def parse_money(value, *, max_digits: int = MONEY_MAX_DIGITS, decimal_places: int = MONEY_DECIMAL_PLACES):
    """``value`` as an amount a money column holds (quantized), or ``None``."""
    amount = parse_decimal(value)
    if amount is None or not fits(amount, max_digits=max_digits, decimal_places=decimal_places):
        return None
    return amount.quantize(Decimal(1).scaleb(-decimal_places))


# --- the fields forms and serializers use ------------------------------------------------

DECIMAL_INVALID = _("Enter a number with digits 0–9 and a point, such as 1500.00.")


class DecimalFormField(forms.DecimalField):
    """A form's decimal/money field: ASCII digits only (``localize`` still reads ``1 500,00``)."""

    default_error_messages = {"invalid": DECIMAL_INVALID}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            text = value.strip()
            if self.localize:
                text = formats.sanitize_separators(text)
                text = str(text).replace("\xa0", "").replace("\u202f", "").replace(" ", "")
            value = text
        amount = parse_decimal(value)
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class DateFormField(forms.DateField):
    """A form's date field held to the date window."""

    default_validators = [validate_date_in_window]


class DecimalSerializerField(serializers.DecimalField):
    """The API's decimal/money field: ASCII digits only, no exponent, NaN or Infinity."""

    default_error_messages = {"invalid": DECIMAL_INVALID}

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        amount = parse_decimal(data)
        if amount is None:
            self.fail("invalid")
        return super().to_internal_value(str(amount))


class DateSerializerField(serializers.DateField):
    """The API's date field held to the date window."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if validate_date_in_window not in self.validators:
            self.validators.append(validate_date_in_window)


def money_form_field(**kwargs) -> DecimalFormField:
    return DecimalFormField(**{**MONEY, **kwargs})


def money_serializer_field(**kwargs) -> DecimalSerializerField:
    return DecimalSerializerField(**{**MONEY, **kwargs})


def check_dates(**dates) -> None:
    """Raise one ``ValidationError`` naming each given date (``starts_on=…``) outside the window."""
    errors = {}
    for name, value in dates.items():
        try:
            validate_date_in_window(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


def clamp_stored_dates(model, fields: list[str], *, report=None) -> int:
    """Move every row's dates that lie outside the window into it; report each row; return how many moved.

    For the data migrations that bring rows stored before the window held
    into it (and for a management task after changing the window). A row
    whose move a database constraint refuses (two fiscal periods clamped onto
    the same day) is reported and left as it is: the readers clamp on
    reading, so it still shows.
    """
    from django.db import IntegrityError, transaction
    from django.db.models import Q

    report = report or _report
    first, last = date_window()
    outside = Q()
    for name in fields:
        outside |= Q(**{f"{name}__lt": first}) | Q(**{f"{name}__gt": last})
    label = model._meta.label
    moved = 0
    for row in model._default_manager.filter(outside).only("pk", *fields).order_by("pk").iterator():
        before = {name: getattr(row, name) for name in fields}
        after = {name: clamp_date(value) for name, value in before.items() if value is not None}
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=row.pk).update(**after)
        except IntegrityError as exc:
            report(f"{label} #{row.pk}: {before} is outside {first}…{last} and could not be moved ({exc}); left as is")
            continue
        report(f"{label} #{row.pk}: {before} moved into {first}…{last}: {after}")
        moved += 1
    return moved


def _report(message: str) -> None:
    logger.warning("%s", message)
    print(message)
