"""The one money format of MRM: ``{{ amount|money }}`` (PRODUCT.md §4)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from mrm.templatetags.money import format_money

NBSP = "\xa0"


def render(template: str, **context) -> str:
    return Template("{% load money %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("ru", Decimal("1500"), f"1{NBSP}500,00{NBSP}₽"),
        ("ru", Decimal("1200000.5"), f"1{NBSP}200{NBSP}000,50{NBSP}₽"),
        ("ru", Decimal("-12000.00"), f"-12{NBSP}000,00{NBSP}₽"),
        ("en", Decimal("1500"), "₽1,500.00"),
        ("en", Decimal("-12000.00"), "-₽12,000.00"),
        ("en", Decimal("0"), "₽0.00"),
        ("en", "99.999", "₽100.00"),
    ],
)
def test_money_is_written_the_way_the_language_writes_it(settings, language, value, expected):
    # given
    settings.MRM_CURRENCY = "RUB"
    # when
    with translation.override(language):
        rendered = render("{{ amount|money }}", amount=value)
    # then
    assert rendered == expected


def test_the_base_currency_comes_from_settings(settings):
    settings.MRM_CURRENCY = "EUR"
    with translation.override("en"):
        assert render("{{ amount|money }}", amount=Decimal("10")) == "€10.00"
    with translation.override("ru"):
        assert render("{{ amount|money }}", amount=Decimal("10")) == f"10,00{NBSP}€"


def test_an_explicit_currency_and_an_unknown_code(settings):
    settings.MRM_CURRENCY = "RUB"
    with translation.override("en"):
        assert render('{{ amount|money:"USD" }}', amount=Decimal("2.5")) == "$2.50"
        assert format_money(Decimal("2.5"), "CHF") == f"2.50{NBSP}CHF"


@pytest.mark.parametrize("value", [None, "", "not a number"])
def test_nothing_to_show_renders_empty(value):
    with translation.override("en"):
        assert render("{{ amount|money }}", amount=value) == ""
