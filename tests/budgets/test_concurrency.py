"""Writers racing on the finance structure, with real threads on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.choices import PeriodKind
from budgets.models import BudgetAllocation, FiscalPeriod
from tests.budgets.factories import ExpenseCategoryFactory
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_people_setting_the_same_cell_leave_one_allocation(q1, team, finance_user):
    category = ExpenseCategoryFactory()

    def work(index):
        return services.allocation_set(
            period=q1, team=team, category=category, amount=Decimal(100 + index), by=finance_user
        )

    _results, errors = race(10, work)
    assert errors == []
    assert BudgetAllocation.objects.filter(period=q1, team=team, category=category).count() == 1


def test_overlapping_periods_created_at_once_leave_exactly_one(fiscal_year, finance_user):
    def work(index):
        return services.fiscal_period_create(
            year=fiscal_year,
            name=f"Race {index}",
            kind=PeriodKind.MONTH,
            start_date=datetime.date(2027, 5, 1) + datetime.timedelta(days=index),
            end_date=datetime.date(2027, 5, 31),
            by=finance_user,
        )

    results, errors = race(8, work)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors)
    assert FiscalPeriod.objects.filter(year=fiscal_year).count() == 1


def test_twenty_concurrent_expenses_never_exceed_the_approved_amount(approved_request, marketer):
    # given: 100 000 approved; twenty writers each try to spend 10 000 at the same moment
    from budgets.models import Expense

    def spend(index):
        return services.expense_create(
            funding_request=approved_request,
            by=marketer,
            vendor=f"Vendor {index}",
            amount=Decimal("10000.00"),
            date=datetime.date(2027, 2, 3),
        )

    # when
    results, errors = race(20, spend)
    # then: exactly ten fit, the others were told what is left
    assert len(results) == 10
    assert len(errors) == 10
    assert all(isinstance(error, ValidationError) for error in errors)
    assert all("is left to spend" in error.message_dict["amount"][0] for error in errors)
    assert Expense.objects.filter(funding_request=approved_request).total() == Decimal("100000.00")


def test_concurrent_requests_get_distinct_numbers(make_request):
    from budgets.models import FundingRequest

    results, errors = race(10, lambda index: make_request("100.00").number)
    assert not errors
    assert sorted(results) == [f"FR-2027-{n:04d}" for n in range(1, 11)]
    assert FundingRequest.objects.count() == 10
