"""Journeys of money (PRODUCT.md §4): a marketer asks for money with a justification, finance approves
a lower amount in the review queue, and an expense over the remainder is refused with what is left."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from approvals.choices import SubjectKind
from budgets import services
from budgets.models import Expense, FundingRequest
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory, FiscalPeriodFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(team, marketer, finance_user, approver):
    """A campaign of the marketer's team, Q1 2027 with 500 000 allocated to paid search, the funding workflow."""
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="Finance review", approvers=[finance_user])
    StageFactory(template=workflow, order=2, name="CMO", approvers=[approver], min_amount=Decimal("500000.00"))
    period = FiscalPeriodFactory()
    category = ExpenseCategoryFactory(code="MKT-DIG-SEA", name="Search advertising")
    BudgetAllocationFactory(period=period, team=team, category=category, amount=Decimal("500000.00"))
    campaign = CampaignFactory(
        team=team,
        owner=marketer,
        code="SPRING-27",
        name="Spring launch",
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    return {"campaign": campaign, "period": period, "category": category}


def submitted_request(setting, marketer):
    request = services.funding_request_create(
        by=marketer,
        campaign=setting["campaign"],
        category=setting["category"],
        period=setting["period"],
        amount=Decimal("100000.00"),
        justification="Search ads for the launch week: 300 leads expected.",
        expected_leads=300,
    )
    return services.funding_request_submit(funding_request=request, by=marketer)


def test_marketer_asks_for_money_with_a_justification(page, live_server, sign_in, marketer, setting, screenshot):
    # given the marketer on the request form, the campaign chosen from its page
    sign_in(page, marketer, next_path=f"/budgets/requests/new/?campaign={setting['campaign'].pk}")
    # when they choose the period and category, the remaining budget appears
    page.get_by_label("Fiscal period").select_option(str(setting["period"].pk))
    page.get_by_label("Expense category").select_option(str(setting["category"].pk))
    expect(page.get_by_test_id("budget-available")).to_contain_text("500,000.00")
    page.get_by_label("Amount").fill("100000.00")
    page.get_by_label("Justification").fill("Search ads for the launch week: 300 leads expected.")
    page.get_by_label("Expected leads").fill("300")
    screenshot(page, "funding-request-form")
    page.get_by_role("button", name="Save and submit for approval").click()
    # then the request is submitted, numbered, with its approval linked
    expect(page.get_by_text("FR-2027-0001 was submitted for approval.")).to_be_visible()
    expect(page.get_by_test_id("fr-status")).to_have_text("Submitted")
    expect(page.get_by_test_id("fr-justification")).to_contain_text("300 leads expected")
    expect(page.get_by_test_id("fr-approvals").get_by_role("link")).to_be_visible()
    screenshot(page, "funding-request")
    assert FundingRequest.objects.get().status == "submitted"


def test_finance_approves_a_lower_amount_in_the_queue(
    page, live_server, sign_in, marketer, finance_user, setting, screenshot
):
    # given a submitted request of 100 000
    request = submitted_request(setting, marketer)
    sign_in(page, finance_user, next_path="/budgets/requests/review/")
    item = page.get_by_test_id("review-item")
    expect(item).to_contain_text("300 leads expected")
    expect(item).to_contain_text("No funded requests yet.")
    screenshot(page, "funding-review-queue")
    # when finance approves 60 000
    item.get_by_label("Approved amount").fill("60000.00")
    item.get_by_label("Note").fill("Start with 60 000, more after the first month's results.")
    item.get_by_role("button", name="Approve").click()
    # then the decision is recorded, finance is back in the queue (now empty), and the request is partially approved
    expect(page.get_by_text("Your decision is recorded")).to_be_visible()
    assert page.url.endswith("/budgets/requests/review/")
    expect(page.get_by_text("No submitted requests wait for review.")).to_be_visible()
    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    expect(page.get_by_test_id("fr-status")).to_have_text("Partially approved")
    expect(page.get_by_test_id("fr-approved")).to_contain_text("60,000.00")
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("partially_approved", Decimal("60000.00"))


def test_expense_over_the_remainder_is_refused_with_what_is_left(
    page, live_server, sign_in, marketer, finance_user, setting, screenshot
):
    # given a request approved for 60 000
    from approvals.choices import Outcome
    from approvals.models import ApprovalRequest
    from approvals.services import approval_decide

    request = submitted_request(setting, marketer)
    approval_decide(
        request=ApprovalRequest.objects.for_subject(request).get(),
        by=finance_user,
        outcome=Outcome.APPROVE,
        approved_amount="60000.00",
        note="Start with 60 000.",
    )
    sign_in(page, marketer, next_path=request.get_absolute_url())
    # when the marketer records an expense of 70 000
    page.get_by_role("link", name="Add expense").click()
    expect(page.get_by_test_id("spend-left")).to_contain_text("60,000.00")
    page.get_by_label("Vendor").fill("Yandex Direct")
    page.get_by_label("Amount").fill("70000.00")
    page.get_by_label("Date").fill("2027-02-03")
    page.get_by_label("Reference").fill("INV-2027-001")
    page.get_by_role("button", name="Record").click()
    # then it is refused, saying how much is left, and nothing is recorded
    expect(page.get_by_text("60,000.00 is left to spend")).to_be_visible()
    screenshot(page, "funding-expense-refused")
    assert not Expense.objects.exists()
    # and within the remainder it is recorded
    page.get_by_label("Amount").fill("50000.00")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("The expense was recorded.")).to_be_visible()
    expect(page.get_by_test_id("fr-left")).to_contain_text("10,000.00")
    screenshot(page, "funding-request-spend")
    # and finance's overviews show it (audited for accessibility like every page visited)
    page.context.clear_cookies()
    sign_in(page, finance_user, next_path=f"/budgets/utilisation/?period={setting['period'].pk}")
    expect(page.get_by_test_id("utilisation-row")).to_contain_text("50,000.00")
    screenshot(page, "funding-utilisation")
    page.goto(f"{live_server.url}/budgets/requests/")
    expect(page.get_by_test_id("funding-request")).to_have_count(1)
    page.goto(f"{live_server.url}/budgets/campaigns/{setting['campaign'].pk}/money/")
    expect(page.get_by_test_id("campaign-spent")).to_contain_text("50,000.00")
    screenshot(page, "funding-campaign-money")


def test_finance_sees_what_is_left_of_the_budget_before_deciding(
    page, live_server, sign_in, marketer, finance_user, setting, screenshot
):
    # given 500 000 allocated, 350 000 already approved to an earlier request of the campaign,
    # and a new request of 100 000 waiting for finance
    from tests.budgets.factories import FundingRequestFactory

    FundingRequestFactory(
        campaign=setting["campaign"],
        category=setting["category"],
        period=setting["period"],
        amount=Decimal("350000.00"),
        approved_amount=Decimal("350000.00"),
        status="approved",
        number="FR-2027-0900",
    )
    request = submitted_request(setting, marketer)
    # when finance opens the inbox
    sign_in(page, finance_user, next_path="/approvals/")
    row = page.get_by_test_id("inbox-row")
    # then the row says what is left before and after this request
    expect(row.get_by_test_id("decision-context-summary")).to_contain_text(
        "left ₽150,000.00, after this request ₽50,000.00"
    )
    # and the approval page shows the line and the campaign's earlier request before the decision
    row.get_by_role("link", name=request.number, exact=False).first.click()
    context = page.get_by_test_id("decision-context")
    expect(context.get_by_test_id("ctx-allocated")).to_contain_text("500,000.00")
    expect(context.get_by_test_id("ctx-approved")).to_contain_text("350,000.00")
    expect(context.get_by_test_id("ctx-remaining-before")).to_contain_text("150,000.00")
    expect(context.get_by_test_id("ctx-remaining-after")).to_contain_text("50,000.00")
    expect(context.get_by_test_id("earlier-requests")).to_contain_text("FR-2027-0900")
    screenshot(page, "approval-decision-context")
    # when finance considers approving 60 000 instead, the remainder follows what is typed
    page.get_by_label("Approved amount").fill("60000")
    expect(page.get_by_test_id("ctx-remaining-after")).to_contain_text("90,000.00")
    expect(page.get_by_test_id("decision-context")).to_contain_text("Remaining after approving ₽60,000.00")
    # and deciding on it, saying why, records that amount
    page.get_by_label("Note").fill("60 000 keeps 90 000 for the spring fairs.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Your decision is recorded")).to_be_visible()
    request.refresh_from_db()
    assert (request.status, request.approved_amount) == ("partially_approved", Decimal("60000.00"))
