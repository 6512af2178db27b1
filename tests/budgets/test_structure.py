"""Fiscal years, periods, categories and allocations: rules and constraints (PRODUCT.md §4)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from budgets import services
from budgets.choices import PeriodKind
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod, FiscalYear
from mrm.exceptions import StateConflict
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory, FiscalPeriodFactory

pytestmark = pytest.mark.django_db


def test_a_year_is_created_with_its_four_quarters(finance_user):
    # when
    year = services.fiscal_year_create(
        name="FY2027", start_date=datetime.date(2027, 1, 1), period_kind=PeriodKind.QUARTER, by=finance_user
    )
    # then
    periods = list(year.periods.order_by("start_date"))
    assert year.end_date == datetime.date(2027, 12, 31)
    assert [p.name for p in periods] == ["Q1 2027", "Q2 2027", "Q3 2027", "Q4 2027"]
    assert [(p.start_date, p.end_date) for p in periods] == [
        (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
        (datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)),
        (datetime.date(2027, 7, 1), datetime.date(2027, 9, 30)),
        (datetime.date(2027, 10, 1), datetime.date(2027, 12, 31)),
    ]
    assert {p.kind for p in periods} == {PeriodKind.QUARTER}


def test_a_year_by_months_has_twelve_periods_and_a_shifted_year_is_named_after_itself(finance_user):
    year = services.fiscal_year_create(
        name="FY2028", start_date=datetime.date(2027, 4, 1), period_kind=PeriodKind.MONTH, by=finance_user
    )
    periods = list(year.periods.order_by("start_date"))
    assert len(periods) == 12
    assert periods[0].name == "2027-04"
    assert periods[-1].end_date == datetime.date(2028, 3, 31)
    assert periods[10].end_date == datetime.date(2028, 2, 29)  # leap year
    quarters = services.fiscal_year_create(
        name="FY2029", start_date=datetime.date(2028, 4, 1), period_kind=PeriodKind.QUARTER, by=finance_user
    )
    assert quarters.periods.order_by("start_date").first().name == "Q1 FY2029"


def test_overlapping_periods_are_refused_with_the_period_in_the_way(q1, finance_user):
    # when / then
    with pytest.raises(ValidationError) as error:
        services.fiscal_period_create(
            year=q1.year,
            name="Feb-Apr",
            kind=PeriodKind.MONTH,
            start_date=datetime.date(2027, 2, 1),
            end_date=datetime.date(2027, 4, 30),
            by=finance_user,
        )
    assert "overlaps Q1 2027" in str(error.value)
    assert FiscalPeriod.objects.count() == 1


def test_a_period_outside_its_year_and_an_inverted_period_are_refused(q1, finance_user):
    with pytest.raises(ValidationError, match="within FY2027"):
        services.fiscal_period_create(
            year=q1.year,
            name="Late",
            kind=PeriodKind.QUARTER,
            start_date=datetime.date(2027, 11, 1),
            end_date=datetime.date(2028, 1, 31),
            by=finance_user,
        )
    with pytest.raises(ValidationError, match="must not be before"):
        services.fiscal_period_create(
            year=q1.year,
            name="Backwards",
            kind=PeriodKind.QUARTER,
            start_date=datetime.date(2027, 6, 30),
            end_date=datetime.date(2027, 4, 1),
            by=finance_user,
        )


def test_editing_a_period_into_its_neighbour_is_refused(q1, finance_user):
    q2 = FiscalPeriodFactory(
        year=q1.year, name="Q2 2027", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2027, 6, 30)
    )
    with pytest.raises(ValidationError, match="overlaps Q1 2027"):
        services.fiscal_period_update(
            period=q2,
            name="Q2 2027",
            kind=PeriodKind.QUARTER,
            start_date=datetime.date(2027, 3, 15),
            end_date=datetime.date(2027, 6, 30),
            by=finance_user,
        )
    q2.refresh_from_db()
    assert q2.start_date == datetime.date(2027, 4, 1)


def test_the_same_period_dates_in_another_year_are_fine(q1, finance_user):
    other = FiscalYear.objects.create(name="FY2027b", start_date=q1.year.start_date, end_date=q1.year.end_date)
    period = services.fiscal_period_create(
        year=other,
        name="Q1 2027",
        kind=PeriodKind.QUARTER,
        start_date=q1.start_date,
        end_date=q1.end_date,
        by=finance_user,
    )
    assert period.pk


@pytest.mark.postgres
def test_postgresql_itself_refuses_overlapping_periods(q1):
    # given a write that bypasses validation
    with pytest.raises(IntegrityError), transaction.atomic():
        FiscalPeriod.objects.create(
            year=q1.year, name="Sneaky", start_date=datetime.date(2027, 3, 31), end_date=datetime.date(2027, 5, 1)
        )


def test_the_database_refuses_a_negative_allocation_and_a_duplicate_cell(q1, team):
    category = ExpenseCategoryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAllocation.objects.create(period=q1, team=team, category=category, amount=Decimal("-1.00"))
    BudgetAllocation.objects.create(period=q1, team=team, category=category, amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAllocation.objects.create(period=q1, team=team, category=category, amount=Decimal("2.00"))


def test_the_service_refuses_a_negative_allocation_with_a_message(q1, team, finance_user):
    category = ExpenseCategoryFactory()
    with pytest.raises(ValidationError) as error:
        services.allocation_create(period=q1, team=team, category=category, amount=Decimal("-5.00"), by=finance_user)
    assert error.value.message_dict == {"amount": ["An allocation cannot be negative."]}
    assert not BudgetAllocation.objects.exists()


def test_the_service_refuses_a_duplicate_allocation_with_a_message(q1, team, finance_user):
    category = ExpenseCategoryFactory()
    services.allocation_create(period=q1, team=team, category=category, amount=Decimal("5.00"), by=finance_user)
    with pytest.raises(ValidationError, match="already exists"):
        services.allocation_create(period=q1, team=team, category=category, amount=Decimal("6.00"), by=finance_user)
    assert BudgetAllocation.objects.get().amount == Decimal("5.00")


def test_setting_a_cell_creates_changes_and_removes_the_allocation_with_history(q1, team, finance_user):
    category = ExpenseCategoryFactory()
    # when
    created = services.allocation_set(period=q1, team=team, category=category, amount=Decimal("100"), by=finance_user)
    services.allocation_set(period=q1, team=team, category=category, amount=Decimal("250.50"), by=finance_user)
    # then
    created.refresh_from_db()
    assert created.amount == Decimal("250.50")
    history = list(created.history.order_by("history_date"))
    assert [h.amount for h in history] == [Decimal("100.00"), Decimal("250.50")]
    assert {h.history_user for h in history} == {finance_user}
    # and an empty amount removes it
    services.allocation_set(period=q1, team=team, category=category, amount=None, by=finance_user)
    assert not BudgetAllocation.objects.exists()
    assert created.history.count() == 3


def test_an_inactive_category_takes_no_new_money(q1, team, finance_user):
    category = ExpenseCategoryFactory(is_active=False)
    with pytest.raises(ValidationError, match="inactive"):
        services.allocation_create(period=q1, team=team, category=category, amount=Decimal("1"), by=finance_user)


@pytest.mark.parametrize("fixture", ["marketer", "approver"])
def test_only_finance_and_admins_write_the_structure(request, fixture, q1, team):
    user = request.getfixturevalue(fixture)
    category = ExpenseCategoryFactory()
    with pytest.raises(PermissionDenied):
        services.allocation_set(period=q1, team=team, category=category, amount=Decimal("1"), by=user)
    with pytest.raises(PermissionDenied):
        services.category_create(code="X", name="X", by=user)
    with pytest.raises(PermissionDenied):
        services.fiscal_year_create(
            name="FY2030", start_date=datetime.date(2030, 1, 1), period_kind=PeriodKind.QUARTER, by=user
        )


def test_admin_maintains_the_structure_too(admin_user):
    category = services.category_create(code="ADM", name="Admin made", by=admin_user)
    assert category.history.get().history_user == admin_user


def test_a_category_cannot_land_under_its_own_child(finance_user):
    root = ExpenseCategoryFactory(code="ROOT")
    child = ExpenseCategoryFactory(code="CHILD", parent=root)
    with pytest.raises(ValidationError, match="under itself or its own child"):
        services.category_update(category=root, parent=child, by=finance_user)
    root.refresh_from_db()
    assert root.parent is None


def test_a_used_category_or_year_cannot_be_deleted(q1, team, finance_user):
    allocation = BudgetAllocationFactory(period=q1, team=team)
    with pytest.raises(StateConflict, match="Deactivate it instead"):
        services.category_delete(category=allocation.category, by=finance_user)
    with pytest.raises(StateConflict, match="has budget allocations"):
        services.fiscal_year_delete(year=q1.year, by=finance_user)
    with pytest.raises(StateConflict, match="has budget allocations"):
        services.fiscal_period_delete(period=q1, by=finance_user)
    assert ExpenseCategory.objects.filter(pk=allocation.category_id).exists()


def test_an_unused_year_is_deleted_with_its_periods(q1, finance_user):
    services.fiscal_year_delete(year=q1.year, by=finance_user)
    assert not FiscalYear.objects.exists()
    assert not FiscalPeriod.objects.exists()


def test_category_names_follow_the_reader_language():
    from django.utils import translation

    category = ExpenseCategory(code="MKT", name="Marketing", name_ru="Маркетинг")
    with translation.override("ru"):
        assert category.display_name == "Маркетинг"
    with translation.override("en"):
        assert category.display_name == "Marketing"
