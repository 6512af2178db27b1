"""Query budgets of the budget lists: 1 row and 50 rows cost the same (docs/TESTING.md)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import ActualLine, ImportBatch
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory, FiscalPeriodFactory
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

days = itertools.count()


def next_period(year):
    day = datetime.date(2027, 1, 1) + datetime.timedelta(days=next(days))
    return FiscalPeriodFactory(year=year, name=f"Day {day}", kind="month", start_date=day, end_date=day)


def test_allocations_api_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, team, q1):
    client = api_as(marketer)
    assert_constant_queries(
        lambda: client.get("/api/v1/budget-allocations/?page_size=100"),
        lambda: BudgetAllocationFactory(period=q1, team=team, category=ExpenseCategoryFactory()),
    )


def test_fiscal_periods_api_queries_do_not_grow_with_rows(assert_constant_queries, api_as, approver, fiscal_year):
    client = api_as(approver)
    assert_constant_queries(
        lambda: client.get("/api/v1/fiscal-periods/?page_size=100"), lambda: next_period(fiscal_year)
    )


def test_categories_api_queries_do_not_grow_with_rows(assert_constant_queries, api_as, finance_user):
    client = api_as(finance_user)
    root = ExpenseCategoryFactory(code="ROOT")
    assert_constant_queries(
        lambda: client.get("/api/v1/expense-categories/?page_size=100"),
        lambda: ExpenseCategoryFactory(parent=root),
    )


def test_grid_page_queries_do_not_grow_with_rows(assert_constant_queries, client, finance_user, q1):
    client.force_login(finance_user)
    teams = [TeamFactory(name=f"Grid team {i}", slug=f"grid-team-{i}") for i in range(5)]
    counter = itertools.count()

    def allocation():
        index = next(counter)
        BudgetAllocationFactory(period=q1, team=teams[index % 5], category=ExpenseCategoryFactory())

    assert_constant_queries(lambda: client.get(reverse("budgets:index"), {"period": q1.pk}), allocation)


def test_years_and_categories_pages_queries_do_not_grow_with_rows(
    assert_constant_queries, client, finance_user, fiscal_year
):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get(reverse("budgets:years")), lambda: next_period(fiscal_year))
    root = ExpenseCategoryFactory(code="ROOT")
    assert_constant_queries(
        lambda: client.get(reverse("budgets:categories")), lambda: ExpenseCategoryFactory(parent=root)
    )


def test_unmapped_queue_queries_do_not_grow_with_rows(assert_constant_queries, client, finance_user, accounting_source):
    client.force_login(finance_user)
    batch = ImportBatch.objects.create(
        kind="actuals",
        source=accounting_source,
        file_name="e.csv",
        content=b"",
        sha256="0" * 64,
        uploaded_by=finance_user,
    )
    counter = itertools.count(2)

    def line():
        number = next(counter)
        ActualLine.objects.create(
            source=accounting_source,
            batch=batch,
            line_number=number,
            date=datetime.date(2027, 2, 3),
            document_number=f"DOC-{number}",
            amount=Decimal("10.00"),
            category=ExpenseCategoryFactory(),
            fingerprint=f"{number:064d}",
        )

    assert_constant_queries(lambda: client.get(reverse("budgets:actuals")), line)
