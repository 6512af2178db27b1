"""Writers racing on the finance structure, with real threads on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.choices import PeriodKind
from budgets.models import BudgetAllocation, FiscalPeriod
from tests.budgets.factories import ExpenseCategoryFactory
from tests.support.concurrency import race, run_together

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


def test_imports_and_hand_expenses_racing_on_the_same_requests_keep_the_limit(
    make_request, approve, accounting_source, finance_user
):
    # given: two requests approved for 100 000 each; two exports of another source each quote both of them
    # (in opposite orders) for 100 000; finance records five expenses of 10 000 on the first meanwhile
    from budgets.choices import ImportKind
    from budgets.models import Expense
    from imports import services as import_services
    from imports.choices import JobStatus
    from tests.budgets.factories import ImportSourceFactory
    from tests.budgets.test_bulk_matching import export
    from tests.imports.helpers import import_file

    first, second = approve(make_request("100000.00")), approve(make_request("100000.00"))
    jobs = []
    for index, (source, numbers) in enumerate(
        [(accounting_source, (first, second)), (ImportSourceFactory(name="Other"), (second, first))]
    ):
        rows = [("03.02.2027", "5 000,00", numbers[n % 2].number) for n in range(40)]
        job, _plan = import_file(
            kind=ImportKind.ACTUALS,
            file_name="race.csv",
            content=export(rows, prefix=str(index)),
            source=source,
            by=finance_user,
        )
        import_services.import_job_confirm(job=job, by=finance_user)
        jobs.append(job)

    def spend(index):
        return services.expense_create(
            funding_request=first,
            by=finance_user,
            vendor=f"Vendor {index}",
            amount=Decimal("10000.00"),
            date=datetime.date(2027, 2, 3),
        )

    # when everything runs at once
    outcomes = run_together(
        [lambda job=job: import_services.import_job_apply(job.pk) for job in jobs]
        + [lambda index=index: spend(index) for index in range(5)]
    )
    # then both imports were applied (no deadlock), and neither request was spent past its limit
    assert [outcome.status for outcome in outcomes[:2]] == [JobStatus.APPLIED, JobStatus.APPLIED], outcomes[:2]
    assert all(isinstance(outcome, (Expense, ValidationError)) for outcome in outcomes[2:]), outcomes[2:]
    assert Expense.objects.filter(funding_request=first).total() == Decimal("100000.00")
    assert Expense.objects.filter(funding_request=second).total() == Decimal("100000.00")
    assert (
        sum(job.result["mapped"] for job in outcomes[:2]) == Expense.objects.filter(actual_line__isnull=False).count()
    )


def test_two_expense_imports_against_one_request_never_exceed_its_approved_amount(
    approved_request, finance_user, monkeypatch
):
    # given: 100 000 approved; two files each spending 60 000 on it, each fine alone in its dry run
    # (the jobs' tasks are not run on commit here: the test runs them itself, at the same moment)
    monkeypatch.setattr("outbox.relay.dispatch_after_commit", lambda *args, **kwargs: None)
    from budgets.models import Expense
    from imports import services as imports
    from imports.choices import JobStatus

    jobs = []
    for name in ("a", "b"):
        content = (
            "External reference,Campaign,Funding request,Vendor,Amount,Date\n"
            f"{name}-1,SPRING-27,{approved_request.number},Vendor {name},30000.00,10.02.2027\n"
            f"{name}-2,SPRING-27,{approved_request.number},Vendor {name},30000.00,11.02.2027\n"
        ).encode()
        job = imports.import_job_create_from_bytes(
            kind="expenses", file_name=f"{name}.csv", content=content, by=finance_user
        )
        job = imports.import_job_parse(job.pk)
        assert job.counts["new"] == 2, list(job.rows.values_list("errors", flat=True))
        imports.import_job_confirm(job=job, by=finance_user)
        jobs.append(job)
    # when both are applied at the same moment
    outcomes = run_together([lambda job=job: imports.import_job_apply(job.pk) for job in jobs])
    # then one is applied whole, the other refused whole with what is left; the limit holds
    statuses = sorted(outcome.status for outcome in outcomes)
    assert statuses == [JobStatus.APPLIED, JobStatus.FAILED]
    failed = next(outcome for outcome in outcomes if outcome.status == JobStatus.FAILED)
    assert "is left to spend" in failed.error and failed.error.startswith("Line 3:")
    assert Expense.objects.filter(funding_request=approved_request).total() == Decimal("60000.00")
