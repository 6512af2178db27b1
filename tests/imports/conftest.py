from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def categories_csv() -> bytes:
    return (DATA / "expense_categories.csv").read_bytes()


@pytest.fixture
def accounting_csv() -> bytes:
    return (DATA / "accounting_export_cp1251.csv").read_bytes()


@pytest.fixture
def accounting_source(db):
    from tests.budgets.factories import ImportSourceFactory

    return ImportSourceFactory()
