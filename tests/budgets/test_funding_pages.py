"""Funding request pages: form with live budget info, request page, spend forms, review queue,
utilisation, the campaign's money section (PRODUCT.md §4)."""

import datetime
from decimal import Decimal

import pytest

from approvals.models import ApprovalRequest
from budgets.models import Expense, FundingRequest
from tests.budgets.factories import BudgetAllocationFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 2, 3)


def test_marketer_asks_for_money_on_the_form(client, marketer, campaign, category, q1, funding_workflow):
    client.force_login(marketer)
    assert client.get(f"/budgets/requests/new/?campaign={campaign.pk}").status_code == 200
    response = client.post(
        "/budgets/requests/new/",
        {
            "campaign": campaign.pk,
            "period": q1.pk,
            "category": category.pk,
            "amount": "120000.00",
            "justification": "Search ads for the launch week",
            "then": "submit",
        },
    )
    fr = FundingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == fr.get_absolute_url()
    assert fr.status == "submitted"
    page = client.get(fr.get_absolute_url()).content.decode()
    assert "FR-2027-0001" in page and "Search ads for the launch week" in page
    assert f"/approvals/requests/{ApprovalRequest.objects.get().pk}/" in page


def test_a_form_without_justification_says_why_it_is_needed(client, marketer, campaign, category, q1):
    client.force_login(marketer)
    response = client.post(
        "/budgets/requests/new/",
        {"campaign": campaign.pk, "period": q1.pk, "category": category.pk, "amount": "1.00", "justification": ""},
    )
    assert response.status_code == 400
    assert not FundingRequest.objects.exists()


def test_live_budget_info_shows_what_is_left(client, marketer, campaign, category, q1, team, make_request):
    # given: 500 000 allocated, 100 000 already asked for
    BudgetAllocationFactory(period=q1, team=team, category=category, amount=Decimal("500000.00"))
    fr = make_request("100000.00")
    fr.status = "submitted"
    fr.save()
    client.force_login(marketer)
    # when
    response = client.get(
        "/budgets/requests/budget-info/",
        {"campaign": campaign.pk, "period": q1.pk, "category": category.pk},
        headers={"HX-Request": "true"},
    )
    # then: the fragment only, with 400 000 still available
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "400,000.00" in body


def test_live_budget_info_does_not_show_another_teams_budget_to_a_marketer(
    client, other_team_marketer, campaign, category, q1, team, finance_user
):
    # given: Brand's allocation, which an Events marketer may not read (§2)
    BudgetAllocationFactory(period=q1, team=team, category=category, amount=Decimal("500000.00"))
    query = {"campaign": campaign.pk, "period": q1.pk, "category": category.pk}
    # when the Events marketer points the form at Brand's campaign
    client.force_login(other_team_marketer)
    body = client.get("/budgets/requests/budget-info/", query, headers={"HX-Request": "true"}).content.decode()
    # then nothing of Brand's budget is shown
    assert "500,000.00" not in body and 'data-testid="budget-info"' not in body
    # while finance sees it
    client.force_login(finance_user)
    body = client.get("/budgets/requests/budget-info/", query, headers={"HX-Request": "true"}).content.decode()
    assert "500,000.00" in body


def test_the_request_page_shows_who_recorded_each_expense_and_when(client, marketer, finance_user, approved_request):
    # given: an expense recorded by the marketer (commitments and expenses are never edited, only added)
    from django.utils import formats, timezone

    from budgets import services

    expense = services.expense_create(
        funding_request=approved_request, by=marketer, vendor="Agency", amount=Decimal("100.00"), date=DAY
    )
    assert expense.history.get().history_user == marketer
    # when finance opens the request
    client.force_login(finance_user)
    body = client.get(approved_request.get_absolute_url()).content.decode()
    # then the expense's row says who recorded it and when
    row = body.split(f'id="expense-{expense.pk}"')[1].split("</tr>")[0]
    assert marketer.full_name in row
    assert formats.date_format(timezone.localtime(expense.created_at), "SHORT_DATETIME_FORMAT") in row


def test_ids_past_999_stay_plain_numbers_in_links_filters_and_anchors(client, finance_user, marketer, team, category):
    # given objects whose ids the locale would group (7,777 in English, 7 777 in Russian)
    from tests.budgets.factories import FiscalPeriodFactory

    period = FiscalPeriodFactory(
        pk=7777, name="Q3 2027", start_date=datetime.date(2027, 7, 1), end_date=datetime.date(2027, 9, 30)
    )
    BudgetAllocationFactory(period=period, team=team, category=category, amount=Decimal("1000.00"))
    fr = FundingRequestFactory(
        pk=123456,
        campaign=CampaignFactory(team=team, owner=marketer),
        category=category,
        period=period,
        status="approved",
        amount=Decimal("1000.00"),
        approved_amount=Decimal("1000.00"),
    )
    expense = ExpenseFactory(pk=654321, funding_request=fr, campaign=fr.campaign)
    client.force_login(finance_user)
    # then the request page's anchors, and the utilisation's filters and drill-down, carry plain ids
    detail = client.get(fr.get_absolute_url()).content.decode()
    assert 'id="expense-654321"' in detail and expense.get_absolute_url().endswith("#expense-654321")
    utilisation = client.get("/budgets/utilisation/", {"period": period.pk}).content.decode()
    assert '<option value="7777" selected>' in utilisation
    assert f"?period=7777&amp;team={team.pk}&amp;category={category.pk}" in utilisation
    listed = client.get("/budgets/requests/", {"period": period.pk}).content.decode()
    assert '<option value="7777" selected>' in listed


def test_expense_over_the_remainder_is_refused_on_the_page(client, marketer, approved_request):
    client.force_login(marketer)
    url = f"/budgets/requests/{approved_request.pk}/expense/new/"
    ok = client.post(url, {"vendor": "Agency", "amount": "90000.00", "date": "2027-02-03"})
    assert ok.status_code == 302
    refused = client.post(url, {"vendor": "Agency", "amount": "20000.00", "date": "2027-02-04"})
    assert refused.status_code == 400
    assert "10,000.00 is left to spend" in refused.content.decode()
    assert Expense.objects.count() == 1


def test_review_queue_lists_submitted_requests_oldest_first_with_decide_buttons(
    client, finance_user, make_request, marketer, funding_workflow
):
    from budgets import services

    first, second = make_request("1000.00"), make_request("2000.00")
    for fr in (second, first):
        services.funding_request_submit(funding_request=fr, by=marketer)
    client.force_login(finance_user)
    body = client.get("/budgets/requests/review/").content.decode()
    assert body.index(second.number) < body.index(first.number)
    assert body.count('value="approve"') == 2
    assert 'name="approved_amount"' in body


def test_review_queue_is_paged_oldest_first(client, finance_user, team, marketer, monkeypatch):
    from budgets import funding_views

    # given five submitted requests and three per page
    monkeypatch.setattr(funding_views, "REVIEW_PAGE_SIZE", 3)
    waiting = [
        FundingRequestFactory(status="submitted", campaign=CampaignFactory(team=team, owner=marketer)) for _ in range(5)
    ]
    client.force_login(finance_user)
    # when finance opens the queue and its second page
    first = client.get("/budgets/requests/review/").content.decode()
    second = client.get("/budgets/requests/review/", {"page": 2}).content.decode()
    # then the first page holds the three oldest, the second the other two, and both say how many wait
    order = sorted(waiting, key=lambda fr: (fr.submitted_at, fr.pk))
    assert [fr.number in first for fr in order] == [True, True, True, False, False]
    assert [fr.number in second for fr in order] == [False, False, False, True, True]
    assert first.count('data-testid="review-item"') == 3 and "5 requests wait for review." in first
    assert "Page 2 of 2" in second


def test_review_queue_shows_the_teams_spend_period_by_period(
    client, finance_user, marketer, approved_request, make_request, fiscal_year, category
):
    # given: Q1 approved 100 000 and spent 25 000; Q2 approved 50 000, nothing spent; a new request waits
    from budgets import services
    from tests.budgets.factories import FiscalPeriodFactory

    services.expense_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("25000.00"), date=DAY
    )
    q2 = FiscalPeriodFactory(
        year=fiscal_year, name="Q2 2027", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2027, 6, 30)
    )
    FundingRequestFactory(
        campaign=approved_request.campaign,
        category=category,
        period=q2,
        amount=Decimal("50000.00"),
        status="approved",
        approved_amount=Decimal("50000.00"),
    )
    waiting = make_request("9000.00")
    services.funding_request_submit(funding_request=waiting, by=marketer)
    client.force_login(finance_user)
    # when
    body = client.get("/budgets/requests/review/").content.decode()
    # then: the totals, and each period newest first
    history = body.split('data-testid="team-history"')[1].split("</dd>")[0]
    assert "2 funded request(s): approved 150,000.00" in " ".join(history.replace("₽", "").split())
    periods = [cell.split("</th>")[0] for cell in history.split('class="fw-normal">')[1:]]
    assert periods == ["Q2 2027", "Q1 2027"]
    assert "25,000.00" in history.split("Q1 2027")[1]


def test_review_queue_is_finance_only(client, marketer):
    client.force_login(marketer)
    assert client.get("/budgets/requests/review/").status_code == 403


def test_utilisation_sums_each_column(client, finance_user, approved_request, q1, team, category, marketer):
    from budgets import services

    BudgetAllocationFactory(period=q1, team=team, category=category, amount=Decimal("500000.00"))
    services.expense_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("30000.00"), date=q1.start_date
    )
    client.force_login(finance_user)
    response = client.get("/budgets/utilisation/", {"period": q1.pk})
    row = response.context["rows"].get()
    assert (row.amount, row.requested, row.approved, row.actual) == (
        Decimal("500000.00"),
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("30000.00"),
    )
    assert (row.remaining, row.variance) == (Decimal("400000.00"), Decimal("470000.00"))
    assert response.context["totals"]["actual"] == Decimal("30000.00")


def test_utilisation_shows_the_spend_of_a_cell_without_allocation(client, finance_user, approved_request, q1, marketer):
    # given: money approved and spent where finance allocated nothing
    from budgets import services

    services.commitment_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("40000.00"), date=q1.start_date
    )
    services.expense_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("30000.00"), date=q1.start_date
    )
    client.force_login(finance_user)
    # when
    response = client.get("/budgets/utilisation/", {"period": q1.pk})
    # then: the cell has every figure, overspent by what was spent, and it adds up to the totals
    cell = response.context["unallocated"].get()
    assert (cell["requested"], cell["approved"], cell["committed"], cell["actual"]) == (
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("40000.00"),
        Decimal("30000.00"),
    )
    assert (cell["remaining"], cell["variance"]) == (Decimal("-100000.00"), Decimal("-30000.00"))
    totals = response.context["totals"]
    assert (totals["committed"], totals["actual"], totals["variance"]) == (
        cell["committed"],
        cell["actual"],
        cell["variance"],
    )
    row = response.content.decode().split('data-testid="utilisation-unallocated"')[1].split("</tr>")[0]
    assert "30,000.00" in row and "overspent" in row


def test_utilisation_page_costs_the_same_for_1_and_50_cells(assert_constant_queries, client, finance_user, q1):
    client.force_login(finance_user)

    def cell():
        allocation = BudgetAllocationFactory(period=q1)
        FundingRequestFactory(
            period=q1,
            category=allocation.category,
            campaign=CampaignFactory(team=allocation.team),
            status="approved",
            approved_amount=Decimal("10000.00"),
        )

    assert_constant_queries(lambda: client.get("/budgets/utilisation/", {"period": q1.pk}), cell)


def test_request_list_and_review_queue_cost_the_same_for_1_and_50_rows(
    assert_constant_queries, client, finance_user, team, marketer
):
    client.force_login(finance_user)
    assert_constant_queries(
        lambda: client.get("/budgets/requests/"),
        lambda: ExpenseFactory(funding_request__campaign=CampaignFactory(team=team, owner=marketer)),
        rows=20,
    )
    assert_constant_queries(
        lambda: client.get("/budgets/requests/review/"),
        lambda: FundingRequestFactory(status="submitted", campaign=CampaignFactory(team=team, owner=marketer)),
    )


def test_campaign_money_section(client, marketer, approved_request, campaign, other_team_marketer):
    from budgets import services

    services.expense_create(
        funding_request=approved_request,
        by=marketer,
        vendor="V",
        amount=Decimal("25000.00"),
        date=approved_request.period.start_date,
    )
    client.force_login(marketer)
    response = client.get(f"/budgets/campaigns/{campaign.pk}/money/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert approved_request.number in body and "25,000.00" in body
    confidential = CampaignFactory(team=campaign.team, confidential=True)
    client.force_login(other_team_marketer)
    assert client.get(f"/budgets/campaigns/{confidential.pk}/money/").status_code == 404


def test_campaign_money_counts_what_is_asked_and_shows_roi_from_the_kpis(
    client, marketer, approved_request, make_request, campaign
):
    # given: 100 000 approved and 40 000 spent, a draft of 5 000 not yet asked; KPIs 100 000 revenue and 80 leads
    from budgets import services
    from campaigns.choices import KPIMetric
    from tests.campaigns.factories import KPIFactory

    make_request("5000.00")
    services.expense_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("40000.00"), date=DAY
    )
    KPIFactory(campaign=campaign, metric=KPIMetric.REVENUE, actual=Decimal("100000.00"))
    KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, actual=Decimal("80"))
    client.force_login(marketer)
    # when
    response = client.get(f"/budgets/campaigns/{campaign.pk}/money/")
    # then: ROI = (100 000 − 40 000) / 40 000 = 150 %, a lead cost 500
    money = response.context["money"]
    assert (money["requested"], money["approved"], money["spent"], money["left"]) == (
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("40000.00"),
        Decimal("60000.00"),
    )
    assert (money["roi_percent"], money["cost_per_lead"]) == (Decimal("150.0"), Decimal("500.00"))
    body = response.content.decode()
    assert "150.0 %" in body and "500.00" in body


@pytest.fixture
def back_to_english():
    """The locale middleware leaves the language of the last request active in this thread: restore it."""
    from django.utils import translation

    yield
    translation.activate("en")


def test_pages_speak_russian(client, finance_user, approved_request, marketer, q1, back_to_english):
    # given a Russian-speaking finance user
    from budgets import services

    finance_user.language = "ru"
    finance_user.save()
    services.expense_create(
        funding_request=approved_request, by=marketer, vendor="V", amount=Decimal("1500.00"), date=q1.start_date
    )
    client.force_login(finance_user)
    client.cookies["django_language"] = "ru"
    # then the money pages are in Russian, with money as Russians write it
    detail = client.get(approved_request.get_absolute_url()).content.decode()
    assert "Что запрошено и зачем" in detail and "1\xa0500,00\xa0₽" in detail
    assert "Исполнение бюджета" in client.get("/budgets/utilisation/").content.decode()
    assert "Очередь рассмотрения" in client.get("/budgets/requests/review/").content.decode()
