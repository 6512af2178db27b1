"""Fixtures of the budget tests, named by state."""

from pathlib import Path

import pytest

from tests.budgets.factories import FiscalPeriodFactory, FiscalYearFactory, ImportSourceFactory

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def categories_csv() -> bytes:
    return (DATA / "expense_categories.csv").read_bytes()


@pytest.fixture
def accounting_csv() -> bytes:
    return (DATA / "accounting_export_cp1251.csv").read_bytes()


@pytest.fixture
def fiscal_year(db):
    return FiscalYearFactory()


@pytest.fixture
def q1(fiscal_year):
    return FiscalPeriodFactory(year=fiscal_year)


@pytest.fixture
def accounting_source(db):
    return ImportSourceFactory()
