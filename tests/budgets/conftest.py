"""Fixtures of the budget tests, named by state."""

import datetime
from decimal import Decimal

import pytest

from approvals.choices import Outcome, SubjectKind
from approvals.models import ApprovalRequest
from approvals.services import approval_decide
from budgets import services
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import (
    ExpenseCategoryFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
)
from tests.campaigns.factories import CampaignFactory


@pytest.fixture
def fiscal_year(db):
    return FiscalYearFactory()


@pytest.fixture
def q1(fiscal_year):
    return FiscalPeriodFactory(year=fiscal_year)


# --- funding requests -----------------------------------------------------------------------


@pytest.fixture
def funding_workflow(finance_user, approver):
    """Finance reviews every request; the CMO (``approver``) signs off above 500 000."""
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="Finance review", approvers=[finance_user])
    StageFactory(template=workflow, order=2, name="CMO", approvers=[approver], min_amount=Decimal("500000.00"))
    return workflow


@pytest.fixture
def category(db):
    return ExpenseCategoryFactory(code="MKT-DIG-SEA", name="Paid search")


SPRING_2027 = {"start_date": datetime.date(2027, 2, 1), "end_date": datetime.date(2027, 3, 31)}


@pytest.fixture
def campaign(team, marketer):
    """Runs in February and March 2027, inside the ``q1`` period its requests are booked in."""
    return CampaignFactory(
        team=team, owner=marketer, code="SPRING-27", planned_cost=Decimal("200000.00"), **SPRING_2027
    )


@pytest.fixture
def other_campaign(team, marketer):
    return CampaignFactory(team=team, owner=marketer, code="AUTUMN-27", **SPRING_2027)


@pytest.fixture
def make_request(campaign, category, q1, marketer):
    """``make_request(amount=...)``: a draft created through the service, as the marketer."""

    def make(amount="100000.00", by=None, **fields):
        values = {
            "campaign": campaign,
            "category": category,
            "period": q1,
            "amount": Decimal(amount),
            "justification": "Paid search for the spring launch: 300 leads expected.",
            "expected_leads": 300,
            "expected_revenue": Decimal("900000.00"),
        }
        values.update(fields)
        return services.funding_request_create(by=by or marketer, **values)

    return make


@pytest.fixture
def approve(funding_workflow, finance_user, approver, marketer):
    """``approve(request, approved_amount=None)``: submit (as the marketer), approve as finance (and the CMO)."""

    def run(request, approved_amount=None):
        services.funding_request_submit(funding_request=request, by=marketer)
        approval = ApprovalRequest.objects.for_subject(request).open().get()
        approval_decide(
            request=approval, by=finance_user, outcome=Outcome.APPROVE, note="ok", approved_amount=approved_amount
        )
        approval.refresh_from_db()
        if approval.status == "in_progress":  # above 500 000 the CMO signs off too
            approval_decide(request=approval, by=approver, outcome=Outcome.APPROVE, note="ok")
        request.refresh_from_db()
        return request

    return run


@pytest.fixture
def approved_request(make_request, approve):
    """FR of 100 000 approved in full."""
    return approve(make_request("100000.00"))
