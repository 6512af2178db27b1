"""Decisions with their context (issue 14 item 2): whoever decides on a funding request sees its budget
line — allocated, already approved, committed, spent, what remains before and after — and the campaign's
earlier requests, on the approval page, in the inbox, in finance's review queue and in the API."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from approvals.models import ApprovalRequest
from budgets import services
from budgets.selectors import decision_context
from tests.budgets.factories import (
    BudgetAllocationFactory,
    CommitmentFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FundingRequestFactory,
)
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

SPRING = {"start_date": datetime.date(2027, 2, 1), "end_date": datetime.date(2027, 3, 31)}
numbers = itertools.count(1)


def funded(campaign, category, period, amount, approved=None, **extra):
    """A request placed straight into (partial) approval; ``approved`` below ``amount`` is a partial approval."""
    approved = Decimal(approved or amount)
    return FundingRequestFactory(
        campaign=campaign,
        category=category,
        period=period,
        amount=Decimal(amount),
        approved_amount=approved,
        status="approved" if approved == Decimal(amount) else "partially_approved",
        **extra,
    )


@pytest.fixture
def line(team, other_team, marketer, campaign, category, q1, fiscal_year):
    """Brand's Q1 2027 paid-search line with money in every state, and money around it that must not count.

    In the line: 500 000 allocated; A approved 100 000 (committed 40 000, spent 25 000 then refunded
    5 000); B asked 120 000 and got 80 000 (spent 30 000); C submitted 50 000; D rejected; E a draft.
    Around it: the Events team's approved money in the same period and category, Brand's money in
    another category and in another period.
    """
    BudgetAllocationFactory(period=q1, team=team, category=category, amount=Decimal("500000.00"))
    BudgetAllocationFactory(period=q1, team=other_team, category=category, amount=Decimal("900000.00"))
    sibling = CampaignFactory(team=team, owner=marketer, code="SPRING-27-B", **SPRING)
    a = funded(campaign, category, q1, "100000.00")
    CommitmentFactory(funding_request=a, campaign=campaign, amount=Decimal("40000.00"))
    ExpenseFactory(funding_request=a, campaign=campaign, amount=Decimal("25000.00"))
    ExpenseFactory(funding_request=a, campaign=campaign, amount=Decimal("-5000.00"))
    b = funded(sibling, category, q1, "120000.00", approved="80000.00")
    ExpenseFactory(funding_request=b, campaign=sibling, amount=Decimal("30000.00"))
    c = FundingRequestFactory(campaign=campaign, category=category, period=q1, amount=Decimal("50000.00"))
    c.status = "submitted"
    c.save()
    FundingRequestFactory(campaign=sibling, category=category, period=q1, status="rejected", amount=Decimal("70000"))
    FundingRequestFactory(campaign=sibling, category=category, period=q1, amount=Decimal("10000.00"))
    # around the line: none of this counts
    events = CampaignFactory(team=other_team, **SPRING)
    theirs = funded(events, category, q1, "200000.00")
    ExpenseFactory(funding_request=theirs, campaign=events, amount=Decimal("150000.00"))
    CommitmentFactory(funding_request=theirs, campaign=events, amount=Decimal("200000.00"))
    funded(campaign, ExpenseCategoryFactory(code="MKT-PRN"), q1, "60000.00")
    q2 = FiscalPeriodFactory(
        year=fiscal_year, name="Q2 2027", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2027, 6, 30)
    )
    funded(
        CampaignFactory(team=team, owner=marketer, start_date=q2.start_date, end_date=q2.end_date),
        category,
        q2,
        "90000.00",
    )
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def waiting(line, make_request, marketer, funding_workflow):
    """The request being decided: 300 000 for the spring campaign, submitted to finance."""
    request = make_request("300000.00")
    return services.funding_request_submit(funding_request=request, by=marketer)


@pytest.fixture
def approval(waiting):
    return ApprovalRequest.objects.for_subject(waiting).open().get()


# --- the figures -----------------------------------------------------------------------------------------


def test_the_figures_are_the_lines_own_summed_by_hand(waiting):
    # when the context of the 300 000 request is computed
    context = decision_context(waiting)
    # then it counts the line's money only: approved = 100 000 + 80 000 (the partial approval's amount)
    assert (context.team_name, context.period_name, context.category_code) == ("Brand", "Q1 2027", "MKT-DIG-SEA")
    assert context.has_allocation
    assert context.allocated == Decimal("500000.00")
    assert context.approved == Decimal("180000.00")
    assert context.committed == Decimal("40000.00")
    assert context.spent == Decimal("50000.00")  # 25 000 − 5 000 + 30 000
    assert context.amount == Decimal("300000.00")
    assert context.remaining_before == Decimal("320000.00")
    assert context.remaining_after == Decimal("20000.00")
    assert not context.over_budget_after


def test_every_line_of_a_page_gets_its_own_figures_in_one_pass(
    django_assert_num_queries, line, waiting, other_team, q1, category
):
    # given requests of three lines read together, as a page of the API or the inbox reads them:
    # Brand's Q1 line, the Events team's Q1 line of the same category, Brand's printing line
    from budgets.models import FundingRequest
    from budgets.selectors import decision_contexts

    theirs = FundingRequest.objects.get(campaign__team=other_team, period=q1, category=category)
    printing = FundingRequest.objects.get(category__code="MKT-PRN")
    rows = list(
        FundingRequest.objects.select_related("campaign__team", "period", "category").filter(
            pk__in=[waiting.pk, theirs.pk, printing.pk, line["b"].pk]
        )
    )
    # when their contexts are computed at once: one grouped query for the lines' money, whatever the
    # number of lines (as a subquery per row and figure, each line was summed again for every row;
    # as a grouped query per figure, the lines were found three times; issue 16), and one for their
    # allocations (as a subquery of the sums, PostgreSQL probed it once per request of the lines)
    with django_assert_num_queries(3):  # the lines (funded, committed, spent); allocations; earlier requests
        contexts = decision_contexts(rows)
    # then each request reads its own line, as when computed alone
    for pk in (waiting.pk, theirs.pk, printing.pk, line["b"].pk):
        assert contexts[pk] == decision_context(FundingRequest.objects.get(pk=pk))
    # and the other team's line is its own: 900 000 allocated, nothing approved besides itself
    assert (contexts[theirs.pk].allocated, contexts[theirs.pk].approved) == (Decimal("900000.00"), Decimal("0.00"))
    assert (contexts[theirs.pk].committed, contexts[theirs.pk].spent) == (Decimal("200000.00"), Decimal("150000.00"))
    assert not contexts[printing.pk].has_allocation
    assert contexts[waiting.pk].approved == Decimal("180000.00")


def test_a_line_whose_request_moved_meanwhile_still_shows_its_allocation(line, team, category, fiscal_year):
    # given a request read on Brand's Q3 line, which holds 70 000 and no request, and moved back to
    # Q1 before its line's figures are read (the row on the page is older than the database)
    from budgets.models import FundingRequest
    from budgets.selectors import line_figures

    q3 = FiscalPeriodFactory(
        year=fiscal_year, name="Q3 2027", start_date=datetime.date(2027, 7, 1), end_date=datetime.date(2027, 9, 30)
    )
    BudgetAllocationFactory(period=q3, team=team, category=category, amount=Decimal("70000.00"))
    read = FundingRequest.objects.select_related("campaign__team").get(pk=line["c"].pk)
    read.period = q3
    # when the figures of its line are read
    figures = line_figures([read])[(q3.pk, category.pk, team.pk)]
    # then the line shows its allocation and no money on it
    assert figures.allocated == Decimal("70000.00")
    assert (figures.funded, figures.committed, figures.spent) == (Decimal("0.00"),) * 3


def test_lines_whose_ids_share_a_code_keep_their_own_money(line, team, category, q1):
    # given a team whose id differs from Brand's by 1 024 (the budget line's code, ids taken modulo
    # 1 024, is then the same as Brand's Q1 line's) with its own money in Q1 and the same category
    from budgets.models import FundingRequest
    from budgets.selectors import _line_code, line_figures
    from tests.factories import TeamFactory

    twin = TeamFactory(pk=team.pk + 1024, name="Twin", slug="twin")
    assert _line_code(q1.pk, category.pk, twin.pk) == _line_code(q1.pk, category.pk, team.pk)
    BudgetAllocationFactory(period=q1, team=twin, category=category, amount=Decimal("1000.00"))
    theirs = funded(CampaignFactory(team=twin, **SPRING), category, q1, "700.00")
    ExpenseFactory(funding_request=theirs, campaign=theirs.campaign, amount=Decimal("300.00"))
    ours = FundingRequest.objects.select_related("campaign").get(pk=line["c"].pk)
    # when Brand's line is read, then the twin's line on its own
    brand = line_figures([ours])
    twin_only = line_figures([FundingRequest.objects.select_related("campaign").get(pk=theirs.pk)])
    # then each line has its own money only: Brand's as in the line above, the twin's its 1 000 and 700
    assert list(brand) == [(q1.pk, category.pk, team.pk)]
    assert brand[(q1.pk, category.pk, team.pk)].allocated == Decimal("500000.00")
    assert brand[(q1.pk, category.pk, team.pk)].funded == Decimal("180000.00")
    assert brand[(q1.pk, category.pk, team.pk)].spent == Decimal("50000.00")
    twins = twin_only[(q1.pk, category.pk, twin.pk)]
    assert (twins.allocated, twins.funded, twins.spent) == (Decimal("1000.00"), Decimal("700.00"), Decimal("300.00"))


def test_asking_more_than_is_left_shows_over_budget(line, make_request):
    context = decision_context(make_request("350000.00"))
    assert context.remaining_after == Decimal("-30000.00")
    assert context.over_budget_after and not context.over_budget_before


def test_a_lower_amount_being_approved_changes_what_remains_after(waiting):
    context = decision_context(waiting, amount=Decimal("250000.00"))
    assert (context.amount, context.remaining_before, context.remaining_after) == (
        Decimal("250000.00"),
        Decimal("320000.00"),
        Decimal("70000.00"),
    )


def test_a_funded_request_does_not_count_itself_twice(line):
    # given B, approved 80 000 of 120 000
    context = decision_context(line["b"])
    # then "approved" is the others' (A's 100 000) and "after" subtracts what B was granted
    assert context.approved == Decimal("100000.00")
    assert context.amount == Decimal("80000.00")
    assert context.remaining_after == Decimal("320000.00")


def test_a_line_without_an_allocation_says_so(team, marketer, campaign, q1, make_request):
    context = decision_context(make_request("1000.00", category=ExpenseCategoryFactory(code="MKT-NEW")))
    assert not context.has_allocation
    assert (context.allocated, context.remaining_after) == (Decimal("0.00"), Decimal("-1000.00"))


def test_earlier_requests_of_the_campaign_are_listed_oldest_first(line, waiting, make_request):
    # given a request of the same campaign made after the one being decided
    make_request("5000.00")
    context = decision_context(waiting)
    # then the campaign's requests made before it are listed, with status and approved amount
    earlier = [(item.number, item.status, item.amount, item.approved_amount) for item in context.earlier]
    assert earlier[:2] == [
        (line["a"].number, "approved", Decimal("100000.00"), Decimal("100000.00")),
        (line["c"].number, "submitted", Decimal("50000.00"), None),
    ]
    assert len(earlier) == 3  # and the print request in another category, but not the later one
    assert waiting.number not in [item[0] for item in earlier]


# --- the pages -------------------------------------------------------------------------------------------


def test_the_approver_sees_the_line_on_the_approval_page(client, finance_user, approval):
    client.force_login(finance_user)
    body = client.get(approval.get_absolute_url()).content.decode()
    section = body.split('data-testid="decision-context"')[1].split('data-testid="decision-panel"')[0]
    assert "500,000.00" in section and "180,000.00" in section and "320,000.00" in section
    assert "20,000.00" in section and "Remaining after approving ₽300,000.00" in section
    assert "Earlier requests of this campaign" in section
    # and the amount field recomputes it (htmx, no script of ours)
    assert 'hx-trigger="input changed delay:400ms from:#decision-amount"' in section


def test_over_budget_is_a_word_on_a_danger_badge(client, finance_user, line, make_request, marketer, funding_workflow):
    request = services.funding_request_submit(funding_request=make_request("350000.00"), by=marketer)
    client.force_login(finance_user)
    body = client.get(ApprovalRequest.objects.for_subject(request).get().get_absolute_url()).content.decode()
    assert '<span class="badge bg-red-lt" data-testid="over-budget">over budget</span>' in body
    assert "-₽30,000.00" in body


def test_the_inbox_row_says_what_is_left(client, finance_user, approval):
    client.force_login(finance_user)
    body = client.get(reverse("approvals:inbox")).content.decode()
    row = body.split('data-testid="inbox-row"')[1]
    assert "left ₽320,000.00, after this request ₽20,000.00" in row


def test_the_review_queue_shows_the_line(client, finance_user, waiting):
    client.force_login(finance_user)
    body = client.get(reverse("budgets:review_queue")).content.decode()
    item = body.split(f'id="review-{waiting.pk}"')[1].split('data-testid="review-item"')[0]
    assert "320,000.00" in item and "20,000.00" in item
    assert f"from:#approved-amount-{waiting.pk}" in item


def test_the_request_page_shows_the_line(client, marketer, waiting):
    client.force_login(marketer)
    body = client.get(waiting.get_absolute_url()).content.decode()
    assert 'data-testid="decision-context"' in body and "320,000.00" in body


def test_typing_a_lower_amount_recomputes_what_remains(client, finance_user, waiting, other_team_marketer):
    url = reverse("budgets:decision_context", args=[waiting.pk])
    client.force_login(finance_user)
    body = client.get(url, {"approved_amount": "250 000,00", "input": "#decision-amount"}).content.decode()
    assert "Remaining after approving ₽250,000.00" in body and "₽70,000.00" in body
    assert 'from:#decision-amount"' in body
    # an amount a decision could not grant (more than asked) leaves the request's own amount
    body = client.get(url, {"approved_amount": "999999999"}).content.decode()
    assert "Remaining after approving ₽300,000.00" in body and "hx-get" not in body
    # another team's marketer does not read the request, nor its line
    client.force_login(other_team_marketer)
    assert client.get(url).status_code == 404


def test_an_approver_of_a_later_stage_does_not_see_the_line_before_it_is_theirs(
    client, approver, line, make_request, marketer, funding_workflow
):
    # given a 600 000 request: finance first, the CMO (approver) after, not assigned yet
    request = services.funding_request_submit(funding_request=make_request("600000.00"), by=marketer)
    approval = ApprovalRequest.objects.for_subject(request).get()
    client.force_login(approver)
    response = client.get(approval.get_absolute_url())
    # then the CMO sees the approval coming, but not the request's money (not a reader of it yet)
    assert response.status_code == 200
    assert 'data-testid="decision-context"' not in response.content.decode()


# --- the API ---------------------------------------------------------------------------------------------


def test_the_funding_request_detail_carries_its_budget_context(api_as, marketer, line, waiting):
    body = api_as(marketer).get(f"/api/v1/funding-requests/{waiting.pk}/").json()
    context = body["budget_context"]
    assert {k: context[k] for k in ("team", "period", "category", "has_allocation")} == {
        "team": "Brand",
        "period": "Q1 2027",
        "category": "MKT-DIG-SEA",
        "has_allocation": True,
    }
    assert [
        context[k]
        for k in ("amount", "allocated", "approved", "committed", "spent", "remaining_before", "remaining_after")
    ] == ["300000.00", "500000.00", "180000.00", "40000.00", "50000.00", "320000.00", "20000.00"]
    assert context["over_budget_after"] is False
    assert context["earlier_requests"][0] == {
        "number": line["a"].number,
        "status": "approved",
        "amount": "100000.00",
        "approved_amount": "100000.00",
        "period": "Q1 2027",
        "category": "MKT-DIG-SEA",
    }


def test_the_list_and_the_approval_request_carry_the_same_context(api_as, finance_user, waiting, approval):
    client = api_as(finance_user)
    listed = {row["id"]: row for row in client.get("/api/v1/funding-requests/?page_size=100").json()["results"]}
    detail = client.get(f"/api/v1/funding-requests/{waiting.pk}/").json()["budget_context"]
    assert listed[waiting.pk]["budget_context"] == detail
    assert client.get(f"/api/v1/approval-requests/{approval.pk}/").json()["decision_context"] == detail


def test_writes_answer_with_the_context_too(api_as, marketer, line, campaign, category, q1):
    created = api_as(marketer).post(
        "/api/v1/funding-requests/",
        {
            "campaign": campaign.pk,
            "category": category.pk,
            "period": q1.pk,
            "amount": "20000.00",
            "justification": "Retargeting",
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["budget_context"]["remaining_after"] == "300000.00"


# --- no N+1 ----------------------------------------------------------------------------------------------


@pytest.fixture
def make_waiting(team, marketer, category, q1, funding_workflow):
    """One more submitted request of Brand's line, on a campaign with an earlier approved request."""

    def make():
        campaign = CampaignFactory(team=team, owner=marketer, code=f"Q-{next(numbers)}", **SPRING)
        funded(campaign, category, q1, "1000.00")
        request = services.funding_request_create(
            by=marketer, campaign=campaign, category=category, period=q1, amount=Decimal("100.00"), justification="x"
        )
        return services.funding_request_submit(funding_request=request, by=marketer)

    return make


def test_the_inbox_with_funding_requests_costs_the_same_for_1_and_20(
    assert_constant_queries, client, finance_user, make_waiting, line
):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get(reverse("approvals:inbox")), make_waiting, rows=20)
    assert client.get(reverse("approvals:inbox")).content.decode().count('data-testid="decision-context-summary"') == 20


def test_the_review_queue_with_lines_costs_the_same_for_1_and_20(
    assert_constant_queries, client, finance_user, make_waiting, line
):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get(reverse("budgets:review_queue")), make_waiting, rows=20)


def test_the_api_lists_with_contexts_cost_the_same_for_1_and_20(
    assert_constant_queries, api_as, finance_user, make_waiting, make_request, line
):
    client = api_as(finance_user)
    # each row one more request of the spring campaign: its earlier requests grow with the rows, too
    assert_constant_queries(
        lambda: client.get("/api/v1/funding-requests/?page_size=100"), lambda: make_request("100.00"), rows=20
    )
    assert_constant_queries(lambda: client.get("/api/v1/approval-requests/?page_size=100"), make_waiting, rows=20)


@pytest.fixture
def back_to_english():
    from django.utils import translation

    yield
    translation.activate("en")


def test_the_context_speaks_russian(
    client, finance_user, line, make_request, marketer, funding_workflow, back_to_english
):
    # given a 350 000 request (30 000 over) and a Russian-speaking finance user
    request = services.funding_request_submit(funding_request=make_request("350000.00"), by=marketer)
    finance_user.language = "ru"
    finance_user.save()
    client.force_login(finance_user)
    client.cookies["django_language"] = "ru"
    # then the line is told in Russian, money as Russians write it, over budget in words
    body = client.get(ApprovalRequest.objects.for_subject(request).get().get_absolute_url()).content.decode()
    assert "Перед решением" in body and "Выделено команде" in body
    assert "Останется после одобрения 350\xa0000,00\xa0₽" in body
    assert "-30\xa0000,00\xa0₽" in body and ">сверх бюджета</span>" in body


def test_the_row_swapped_in_after_a_decision_in_the_inbox_keeps_the_line(client, finance_user, approval):
    client.force_login(finance_user)
    response = client.post(
        reverse("approvals:decide", args=[approval.pk]),
        {"outcome": "request_changes", "note": "Split it by month", "from": "inbox"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'data-testid="inbox-result"' in body
    assert "left ₽320,000.00, after this request ₽20,000.00" in body


def test_the_requesting_marketer_sees_the_line_an_other_team_does_not(
    client, api_as, marketer, other_team_marketer, approval, waiting
):
    client.force_login(marketer)
    assert 'data-testid="decision-context"' in client.get(approval.get_absolute_url()).content.decode()
    client.force_login(other_team_marketer)
    assert client.get(approval.get_absolute_url()).status_code == 404
    assert api_as(other_team_marketer).get(f"/api/v1/funding-requests/{waiting.pk}/").status_code == 404
