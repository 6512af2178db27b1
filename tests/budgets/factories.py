"""factory_boy factories for the finance structure."""

import datetime
from decimal import Decimal

import factory

from budgets.choices import FundingRequestStatus, PeriodKind
from budgets.models import (
    BudgetAllocation,
    Commitment,
    Expense,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    FundingRequest,
    ImportSource,
)
from tests.factories import TeamFactory


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ["name"]

    name = "FY2027"
    start_date = datetime.date(2027, 1, 1)
    end_date = datetime.date(2027, 12, 31)


class FiscalPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalPeriod
        django_get_or_create = ["year", "name"]

    year = factory.SubFactory(FiscalYearFactory)
    name = "Q1 2027"
    kind = PeriodKind.QUARTER
    start_date = datetime.date(2027, 1, 1)
    end_date = datetime.date(2027, 3, 31)


class ExpenseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CAT-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    gl_account = "44.01"


class BudgetAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetAllocation

    period = factory.SubFactory(FiscalPeriodFactory)
    team = factory.SubFactory(TeamFactory)
    category = factory.SubFactory(ExpenseCategoryFactory)
    amount = Decimal("1000.00")


class ImportSourceFactory(factory.django.DjangoModelFactory):
    """The 1C-like export of tests/data/accounting_export_cp1251.csv."""

    class Meta:
        model = ImportSource
        django_get_or_create = ["name"]

    name = "1C export"
    encoding = "cp1251"
    delimiter = ";"
    decimal_comma = True
    date_format = "%d.%m.%Y"
    date_column = "Дата"
    document_number_column = "Номер документа"
    vendor_column = "Контрагент"
    amount_column = "Сумма"
    gl_account_column = "Счет"
    category_column = "Статья"
    comment_column = "Комментарий"


class FundingRequestFactory(factory.django.DjangoModelFactory):
    """A funding request placed directly in a state (``status=``, ``approved_amount=``); services test the moves."""

    class Meta:
        model = FundingRequest

    number = factory.Sequence(lambda n: f"FR-2099-{n + 1:04d}")
    campaign = factory.SubFactory("tests.campaigns.factories.CampaignFactory")
    category = factory.SubFactory(ExpenseCategoryFactory)
    period = factory.SubFactory(FiscalPeriodFactory)
    amount = Decimal("10000.00")
    justification = "Leads for the spring launch"
    requested_by = factory.LazyAttribute(lambda fr: fr.campaign.owner)
    status = FundingRequestStatus.DRAFT


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    funding_request = factory.SubFactory(
        FundingRequestFactory, status=FundingRequestStatus.APPROVED, approved_amount=Decimal("10000.00")
    )
    campaign = factory.LazyAttribute(lambda e: e.funding_request.campaign)
    vendor = "Vendor LLC"
    amount = Decimal("100.00")
    date = datetime.date(2027, 2, 1)
    recorded_by = factory.LazyAttribute(lambda e: e.funding_request.requested_by)


class CommitmentFactory(ExpenseFactory):
    class Meta:
        model = Commitment
