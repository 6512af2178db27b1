"""``{{ value|report_cell:column }}``: a report cell shown by its column's type, in the reader's locale."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format

from mrm.templatetags.money import format_money
from reports.choices import ColumnType

register = template.Library()


@register.filter
def report_cell(value, column) -> str:
    if value is None or value == "":
        return "—"
    kind = column.type
    if kind == ColumnType.MONEY:
        return format_money(value)
    if kind == ColumnType.PERCENT:
        return f"{number_format(Decimal(value), decimal_pos=1, use_l10n=True)}\xa0%"
    if kind == ColumnType.DECIMAL:
        return number_format(Decimal(value), decimal_pos=1, use_l10n=True, force_grouping=True)
    if kind == ColumnType.INT:
        return number_format(int(value), use_l10n=True, force_grouping=True)
    if kind == ColumnType.DATE and isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
