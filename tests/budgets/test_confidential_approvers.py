"""§2: approvers of a funding request's open approval see its confidential campaign."""

from decimal import Decimal

import pytest

from approvals.choices import SubjectKind
from approvals.models import ApprovalRequest
from approvals.services import approval_decide
from budgets import services
from campaigns.models import Campaign
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmo_only_workflow(approver):
    workflow = WorkflowTemplateFactory(name="CMO funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="CMO", approvers=[approver])
    return workflow


def test_the_approver_sees_the_confidential_campaign_only_while_deciding(
    campaign, make_request, cmo_only_workflow, approver, marketer
):
    # given: a confidential campaign the approver (no team) cannot see
    Campaign.objects.filter(pk=campaign.pk).update(confidential=True)
    assert not Campaign.objects.visible_to(approver).filter(pk=campaign.pk).exists()
    request = make_request(amount="50000.00")
    # when: its funding request waits on the approver
    services.funding_request_submit(funding_request=request, by=marketer)
    # then
    assert Campaign.objects.visible_to(approver).filter(pk=campaign.pk).exists()
    # and the access ends with the decision
    approval = ApprovalRequest.objects.for_subject(request).get()
    approval_decide(request=approval, by=approver, outcome="approve", note="Fine")
    fresh = type(approver).objects.get(pk=approver.pk)
    assert not Campaign.objects.visible_to(fresh).filter(pk=campaign.pk).exists()
    request.refresh_from_db()
    assert request.approved_amount == Decimal("50000.00")
