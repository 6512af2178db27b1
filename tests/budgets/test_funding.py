"""Funding requests and spend control (PRODUCT.md §4): every rule refused with the right message."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from approvals.choices import Outcome, RequestStatus
from approvals.models import ApprovalRequest
from approvals.services import approval_cancel, approval_decide
from budgets import services
from budgets.choices import FundingRequestStatus
from budgets.models import Expense, FundingRequest
from campaigns.choices import CampaignStatus
from campaigns.services import campaign_transition
from mrm.exceptions import StateConflict

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 2, 3)


def spend(request, amount, by, **extra):
    return services.expense_create(
        funding_request=request, by=by, vendor="Ad network", amount=Decimal(amount), date=DAY, **extra
    )


def test_a_new_request_is_a_numbered_draft(make_request, marketer):
    # when
    first, second = make_request(), make_request("5000.00")
    # then
    assert first.status == FundingRequestStatus.DRAFT
    assert (first.number, second.number) == ("FR-2027-0001", "FR-2027-0002")
    assert first.requested_by == marketer
    assert first.history.count() == 1


def test_justification_is_required(make_request):
    with pytest.raises(ValidationError) as refused:
        make_request(justification="   ")
    assert "why the money is needed" in refused.value.message_dict["justification"][0]
    assert not FundingRequest.objects.exists()


def test_amount_must_be_positive(make_request):
    with pytest.raises(ValidationError) as refused:
        make_request("0")
    assert "amount" in refused.value.message_dict


def test_marketer_of_another_team_cannot_ask_for_the_campaign(make_request, other_team_marketer):
    with pytest.raises(PermissionDenied):
        make_request(by=other_team_marketer)


def test_submitting_opens_the_funding_workflow(make_request, funding_workflow, marketer, finance_user):
    # given
    request = make_request("100000.00")
    # when
    services.funding_request_submit(funding_request=request, by=marketer)
    # then
    request.refresh_from_db()
    approval = ApprovalRequest.objects.for_subject(request).get()
    assert request.status == FundingRequestStatus.SUBMITTED
    assert approval.status == RequestStatus.IN_PROGRESS
    assert approval.amount == Decimal("100000.00")
    assert [s.name for s in approval.stage_states.all()] == ["Finance review"]


def test_a_large_request_adds_the_cmo_stage(make_request, funding_workflow, marketer):
    request = make_request("750000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    approval = ApprovalRequest.objects.for_subject(request).get()
    assert [s.name for s in approval.stage_states.order_by("order")] == ["Finance review", "CMO"]


def test_editing_the_amount_after_submit_is_refused(make_request, funding_workflow, marketer):
    # given
    request = make_request("100000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    # when / then
    with pytest.raises(StateConflict) as refused:
        services.funding_request_update(funding_request=request, by=marketer, amount=Decimal("200000.00"))
    assert "withdraw it and submit it again" in str(refused.value)
    request.refresh_from_db()
    assert request.amount == Decimal("100000.00")


def test_withdraw_then_edit_and_resubmit(make_request, funding_workflow, marketer):
    request = make_request("100000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    # when
    services.funding_request_withdraw(funding_request=request, by=marketer, note="wrong amount")
    request.refresh_from_db()
    # then
    assert request.status == FundingRequestStatus.WITHDRAWN
    assert ApprovalRequest.objects.for_subject(request).get().status == RequestStatus.CANCELLED
    services.funding_request_update(funding_request=request, by=marketer, amount=Decimal("80000.00"))
    services.funding_request_submit(funding_request=request, by=marketer)
    request.refresh_from_db()
    assert (request.status, request.amount) == (FundingRequestStatus.SUBMITTED, Decimal("80000.00"))
    assert ApprovalRequest.objects.for_subject(request).open().count() == 1


def test_full_approval(approved_request):
    assert approved_request.status == FundingRequestStatus.APPROVED
    assert approved_request.approved_amount == Decimal("100000.00")
    assert approved_request.decision_note == "ok"


def test_partial_approval(make_request, approve):
    request = approve(make_request("100000.00"), approved_amount="60000.00")
    assert request.status == FundingRequestStatus.PARTIALLY_APPROVED
    assert request.approved_amount == Decimal("60000.00")


def test_a_cut_keeps_finances_note_when_the_cmo_approves_after(
    make_request, funding_workflow, marketer, finance_user, approver
):
    # given 750 000 asked: finance reviews, then the CMO
    request = make_request("750000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    approval = ApprovalRequest.objects.for_subject(request).get()
    # when finance approves 600 000 saying why, and the CMO approves with a note of his own
    approval_decide(
        request=approval,
        by=finance_user,
        outcome=Outcome.APPROVE,
        approved_amount="600000.00",
        note="The exhibition stand is priced at 600 000.",
    )
    approval_decide(request=approval, by=approver, outcome=Outcome.APPROVE, note="Fine.")
    # then the request is partially approved and tells the marketer why it got less
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == (
        FundingRequestStatus.PARTIALLY_APPROVED,
        Decimal("600000.00"),
    )
    assert request.decision_note == "The exhibition stand is priced at 600 000."
    assert request.history.first().history_user == approver


def test_approving_more_than_asked_is_refused(make_request, funding_workflow, marketer, finance_user):
    request = make_request("100000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    approval = ApprovalRequest.objects.for_subject(request).get()
    with pytest.raises(ValidationError):
        approval_decide(request=approval, by=finance_user, outcome=Outcome.APPROVE, approved_amount="100000.01")
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.SUBMITTED


def test_approving_nothing_is_refused_reject_instead(make_request, funding_workflow, marketer, finance_user):
    # given a submitted request
    request = make_request("100000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    approval = ApprovalRequest.objects.for_subject(request).get()
    # when finance "approves" 0
    with pytest.raises(ValidationError) as refused:
        approval_decide(request=approval, by=finance_user, outcome=Outcome.APPROVE, approved_amount="0.00")
    # then it is refused, and nothing moved: no decision, the request still waits
    assert "reject the request instead" in refused.value.message_dict["approved_amount"][0]
    request.refresh_from_db()
    approval.refresh_from_db()
    assert (request.status, approval.status) == (FundingRequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS)
    assert not approval.decisions.exists()


def test_rejection_and_request_changes(make_request, funding_workflow, marketer, finance_user):
    rejected, sent_back = make_request(), make_request()
    for request, outcome in ((rejected, Outcome.REJECT), (sent_back, Outcome.REQUEST_CHANGES)):
        services.funding_request_submit(funding_request=request, by=marketer)
        approval = ApprovalRequest.objects.for_subject(request).get()
        approval_decide(request=approval, by=finance_user, outcome=outcome, note="no ROI shown")
        request.refresh_from_db()
    assert rejected.status == FundingRequestStatus.REJECTED
    assert sent_back.status == FundingRequestStatus.DRAFT
    assert sent_back.decision_note == "no ROI shown"


def test_cancelling_the_approval_withdraws_the_request(make_request, funding_workflow, marketer):
    request = make_request()
    services.funding_request_submit(funding_request=request, by=marketer)
    approval_cancel(request=ApprovalRequest.objects.for_subject(request).get(), by=None)
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.WITHDRAWN


# --- spend control ------------------------------------------------------------------------


def test_expense_without_an_approved_request_is_refused(make_request, marketer):
    draft = make_request()
    with pytest.raises(ValidationError) as refused:
        spend(draft, "100.00", marketer)
    assert "only against an approved funding request" in refused.value.message_dict["funding_request"][0]
    assert not Expense.objects.exists()


def test_expense_over_the_approved_amount_says_what_is_left(approved_request, marketer):
    # given
    spend(approved_request, "70000.00", marketer)
    # when / then
    with pytest.raises(ValidationError) as refused:
        spend(approved_request, "30000.01", marketer)
    message = refused.value.message_dict["amount"][0]
    assert "is left to spend" in message
    assert "30,000.00" in message
    assert Expense.objects.count() == 1
    spend(approved_request, "30000.00", marketer)  # exactly the rest is fine


def test_expense_against_a_request_of_another_campaign_is_refused(approved_request, other_campaign, marketer):
    with pytest.raises(ValidationError) as refused:
        spend(approved_request, "100.00", marketer, campaign=other_campaign)
    assert "belongs to another campaign" in refused.value.message_dict["funding_request"][0]


def test_partial_approval_caps_the_spend(make_request, approve, marketer):
    request = approve(make_request("100000.00"), approved_amount="60000.00")
    with pytest.raises(ValidationError) as refused:
        spend(request, "60000.01", marketer)
    assert "60,000.00" in refused.value.message_dict["amount"][0]


@override_settings(MRM_SPEND_TOLERANCE_PERCENT=Decimal("10"))
def test_tolerance_allows_that_much_more(approved_request, marketer):
    spend(approved_request, "110000.00", marketer)
    with pytest.raises(ValidationError) as refused:
        spend(approved_request, "0.01", marketer)
    assert "0.00" in refused.value.message_dict["amount"][0]


def test_commitments_are_capped_likewise(approved_request, marketer):
    services.commitment_create(
        funding_request=approved_request, by=marketer, vendor="Agency", amount=Decimal("100000.00"), date=DAY
    )
    with pytest.raises(ValidationError) as refused:
        services.commitment_create(
            funding_request=approved_request, by=marketer, vendor="Agency", amount=Decimal("1.00"), date=DAY
        )
    assert "left to commit" in refused.value.message_dict["amount"][0]


def test_refund_reduces_the_spent_sum(approved_request, marketer, finance_user):
    spend(approved_request, "100000.00", marketer)
    spend(approved_request, "-12000.00", finance_user)
    spend(approved_request, "12000.00", marketer)
    assert Expense.objects.filter(funding_request=approved_request).total() == Decimal("100000.00")


def test_marketers_cannot_record_refunds(approved_request, marketer):
    with pytest.raises(ValidationError) as refused:
        spend(approved_request, "-10.00", marketer)
    assert "finance" in refused.value.message_dict["amount"][0]


def test_marketer_of_another_team_cannot_record_spend(approved_request, other_team_marketer, finance_user):
    with pytest.raises(PermissionDenied):
        spend(approved_request, "100.00", other_team_marketer)
    spend(approved_request, "100.00", finance_user)  # finance records for any campaign


# --- the launch rule ----------------------------------------------------------------------


def test_campaign_with_planned_cost_needs_an_approved_request_to_launch(campaign, marketer, make_request, approve):
    # given
    campaign.status = CampaignStatus.PLANNED
    campaign.save()
    # when / then
    with pytest.raises(StateConflict) as refused:
        campaign_transition(campaign=campaign, to_status=CampaignStatus.ACTIVE, by=marketer)
    assert "approved funding request" in str(refused.value)
    approve(make_request("1000.00"))
    campaign_transition(campaign=campaign, to_status=CampaignStatus.ACTIVE, by=marketer)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
