"""A write with side effects, as the product makes one: a funding request waiting for finance's decision."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from approvals.choices import SubjectKind
from approvals.models import ApprovalRequest
from budgets import services as budgets
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import ExpenseCategoryFactory, FiscalPeriodFactory, FiscalYearFactory
from tests.campaigns.factories import CampaignFactory


@pytest.fixture
def waiting_approval(team, marketer, finance_user):
    """The marketer's funding request of 100 000, submitted: finance decides it."""
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="Finance review", approvers=[finance_user])
    campaign = CampaignFactory(
        team=team,
        owner=marketer,
        code="SPRING-27",
        planned_cost=Decimal("200000.00"),
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    request = budgets.funding_request_create(
        by=marketer,
        campaign=campaign,
        category=ExpenseCategoryFactory(code="MKT-DIG-SEA", name="Paid search"),
        period=FiscalPeriodFactory(year=FiscalYearFactory()),
        amount=Decimal("100000.00"),
        justification="Paid search for the spring launch.",
    )
    budgets.funding_request_submit(funding_request=request, by=marketer)
    return ApprovalRequest.objects.for_subject(request).open().get()
