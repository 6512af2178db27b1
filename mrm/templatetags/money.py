"""One way to show money everywhere: ``{{ amount|money }}`` (PRODUCT.md §4).

Amounts are Decimals in the installation's base currency
(``settings.MRM_CURRENCY``) and are written the way the reader's language
writes them: ``1 500,00 ₽`` in Russian, ``₽1,500.00`` in English. Python code
(messages that say how much is left) uses :func:`format_money`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import formats, translation

register = template.Library()

SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "KZT": "₸", "BYN": "Br", "CNY": "¥"}
# Languages that write the currency after the number, separated by a non-breaking space.
SYMBOL_AFTER = ("ru", "uk", "be", "kk", "de", "fr", "es", "it", "pl", "cs")


def format_money(value, currency: str | None = None) -> str:
    """``value`` with two decimals, grouped and signed per the active language, plus the currency."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    code = (currency or settings.MRM_CURRENCY or "").upper()
    symbol = SYMBOLS.get(code, code)
    number = formats.number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in SYMBOL_AFTER or len(symbol) > 1:
        return f"{sign}{number}\xa0{symbol}".rstrip()
    return f"{sign}{symbol}{number}"


@register.filter(name="money")
def money(value, currency=None) -> str:
    """``{{ allocation.amount|money }}`` or ``{{ amount|money:"EUR" }}``."""
    return format_money(value, currency)
