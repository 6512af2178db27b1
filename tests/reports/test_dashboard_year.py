"""The dashboards' report cards cover the fiscal year their pictures show (issue 16).

The report world (tests/reports/conftest.py: FY2027, its Q1) with its three
campaigns running in 2027, and money of another year beside it: campaign
LATER runs in 2028 and asked for 40 000 of Q1 2028 (FY2028), approved, and
spent 25 000 of it; 60 000 allocated to Brand in Q1 2028.

| figure | FY2027 (the cards) | all time (the report one click away) |
|---|---|---|
| campaigns running | 3 (SPRING, EXPO, AUTUMN) | 4 |
| allocated | 230 000 | 290 000 |
| approved | 120 000 | 160 000 |
| actual | 65 000 | 90 000 |
| ROI cost (campaigns funded in the year) | 65 000 (SPRING, EXPO) | 90 000 |

Nobody's dashboard pictures FY2028 before it begins: the dashboards show FY2027.
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from budgets.choices import FundingRequestStatus
from budgets.models import FiscalYear
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from reports import selectors
from reports.registry import get_report
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
)
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

CARDS = {
    "campaigns_by_status": "campaign-status",
    "spend_vs_budget": "budget-vs-actual",
    "roi_by_channel": "roi",
}


def D(value):
    return Decimal(value).quantize(Decimal("0.01"))


@pytest.fixture
def two_years(money_world, team, marketer, sea):
    Campaign.objects.update(start_date=dt.date(2027, 1, 10), end_date=dt.date(2027, 6, 30))
    fy2028 = FiscalYearFactory(name="FY2028", start_date=dt.date(2028, 1, 1), end_date=dt.date(2028, 12, 31))
    q1_2028 = FiscalPeriodFactory(
        year=fy2028, name="Q1 2028", start_date=dt.date(2028, 1, 1), end_date=dt.date(2028, 3, 31)
    )
    later = CampaignFactory(
        code="LATER",
        name="Later launch",
        team=team,
        owner=marketer,
        status=CampaignStatus.PLANNED,
        start_date=dt.date(2028, 2, 1),
        end_date=dt.date(2028, 3, 31),
    )
    request = FundingRequestFactory(
        campaign=later,
        category=sea,
        period=q1_2028,
        amount=Decimal("40000.00"),
        status=FundingRequestStatus.APPROVED,
        approved_amount=Decimal("40000.00"),
    )
    ExpenseFactory(funding_request=request, amount=Decimal("25000.00"), date=dt.date(2028, 2, 15))
    BudgetAllocationFactory(period=q1_2028, team=team, category=sea, amount=Decimal("60000.00"))
    return {**money_world, "later": later}


def _fy2027():
    return FiscalYear.objects.get(name="FY2027")


def _days():
    """The year's first and last day as the card writes them (the reader's short date format)."""
    return f"{date_format(dt.date(2027, 1, 1), 'SHORT_DATE_FORMAT')} – {date_format(dt.date(2027, 12, 31), 'SHORT_DATE_FORMAT')}"


def test_the_dashboards_picture_fy2027(two_years):
    assert selectors.current_fiscal_year() == _fy2027()


def test_budget_vs_actual_over_a_year_counts_the_money_of_its_periods(two_years, finance_user):
    # when budget vs actual is asked for FY2027, then the money of FY2028 stays out
    _rows, year = selectors.budget_vs_actual(finance_user, group_by="team", year=_fy2027())
    assert (year["allocated"], year["approved"], year["actual"]) == (D(230000), D(120000), D(65000))
    # and over all time it is in
    _rows, everything = selectors.budget_vs_actual(finance_user, group_by="team")
    assert (everything["allocated"], everything["approved"], everything["actual"]) == (
        D(290000),
        D(160000),
        D(90000),
    )


def test_the_totals_are_the_rows_added_up(two_years, finance_user):
    # the totals are no second pass over the tables: they are the rows' sums, whatever the grouping
    for group_by in selectors.BUDGET_GROUPINGS:
        rows, totals = selectors.budget_vs_actual(finance_user, group_by=group_by)
        for measure in ("allocated", "requested", "approved", "committed", "actual"):
            assert sum(row[measure] for row in rows) == totals[measure], (group_by, measure)


def test_the_years_budget_ends_where_its_burn_ends(two_years, finance_user):
    # with money of another year beside it, the budget card of FY2027 and its burn picture agree
    _rows, burn = selectors.budget_burn(finance_user, _fy2027())
    _rows, budget = selectors.budget_vs_actual(finance_user, group_by="category", year=_fy2027())
    assert (burn["allocated"], burn["approved"], burn["committed"], burn["spent"]) == (
        budget["allocated"],
        budget["approved"],
        budget["committed"],
        budget["actual"],
    )


def test_roi_over_a_year_covers_the_campaigns_funded_in_it_over_their_whole_life(two_years, cmo):
    report = get_report("roi")
    year = report.run(cmo, {"group_by": "channel", "year": str(_fy2027().pk)})
    assert year.totals["cost"] == D(65000)
    assert year.totals["revenue"] == D(125000)
    assert any("whole life" in note for note in year.notes)
    assert report.run(cmo, {"group_by": "channel"}).totals["cost"] == D(90000)
    # per campaign, the same year keeps the campaigns that asked for its money (AUTUMN's request is
    # still submitted), not LATER
    by_campaign = report.run(cmo, {"year": str(_fy2027().pk)})
    assert sorted(row["campaign"].split(" ")[0] for row in by_campaign.rows) == ["AUTUMN", "EXPO", "SPRING"]


def test_roi_by_channel_totals_are_its_campaigns_added_up(two_years, cmo):
    # the totals come from the per-campaign sums already read: the same figures as per campaign
    report = get_report("roi")
    by_channel = report.run(cmo, {"group_by": "channel"}).totals
    by_campaign = report.run(cmo, {}).totals
    assert by_channel.pop("channel") == by_campaign.pop("campaign") == "Total"
    assert by_channel == by_campaign
    assert by_channel["cost"] == D(90000) and by_channel["leads"] == 40


def test_campaign_status_over_a_year_counts_the_campaigns_running_in_it(two_years, cmo):
    report = get_report("campaign-status")
    assert report.run(cmo, {"year": str(_fy2027().pk)}).totals["campaigns"] == 3
    assert report.run(cmo, {}).totals["campaigns"] == 4


def _card_links(body: str, testid: str) -> dict[str, str]:
    card = body.split(f'data-testid="{testid}"')[1].split("</section>")[0]
    links = {}
    for name in ("card-report-link", "card-all-time-link"):
        tag = card.split(f'data-testid="{name}"')[0].rsplit("<a ", 1)[1]
        links[name] = tag.split('href="')[1].split('"')[0].replace("&amp;", "&")
    return links


def test_the_cmos_cards_cover_the_fiscal_year_and_open_the_same_report(client, two_years, cmo):
    # given the CMO's dashboard, which pictures FY2027
    client.force_login(cmo)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    year = _fy2027()
    # then each card is computed over FY2027 and says so, in its heading and its period line
    for heading in (
        "Campaigns by status in FY2027",
        "Spend against budget by team in FY2027",
        "ROI by channel in FY2027",
    ):
        assert heading in body
    assert body.count('data-testid="card-period"') == 3
    assert f"FY2027 ({_days()}): the money of its periods" in body
    assert f"FY2027 ({_days()}): the campaigns running in it" in body
    for name, slug in CARDS.items():
        card = response.context[name]
        assert card.params["year"] == str(year.pk)
        # and "Open the report" opens the report over the same parameters, whose figures are the card's
        testid = {"campaigns_by_status": "campaigns-by-status", "spend_vs_budget": "spend-vs-budget"}.get(
            name, "roi-by-channel"
        )
        links = _card_links(body, testid)
        report_link = urlparse(links["card-report-link"])
        assert report_link.path == reverse("reports:detail", args=[slug])
        params = {key: values[0] for key, values in parse_qs(report_link.query).items()}
        assert params == card.params
        assert get_report(slug).run(cmo, params).totals == card.totals
        # and the same report over all time is one click away
        all_time = parse_qs(urlparse(links["card-all-time-link"]).query)
        assert "year" not in all_time and all_time["group_by"] == [card.params["group_by"]]
    assert response.context["spend_vs_budget"].totals["actual"] == D(65000)
    assert response.context["roi_by_channel"].totals["cost"] == D(65000)
    assert response.context["campaigns_by_status"].totals["campaigns"] == 3


def test_leadership_and_finance_dashboards_show_the_same_years_totals(client, two_years, cmo, finance_user):
    # §2: the CMO's budget card (by team) and finance's (by category) add up to the same money
    client.force_login(cmo)
    leadership = client.get(reverse("dashboard")).context["spend_vs_budget"].totals
    client.force_login(finance_user)
    finance = client.get(reverse("dashboard")).context["spend_by_category"].totals
    for measure in ("allocated", "requested", "approved", "committed", "actual"):
        assert leadership[measure] == finance[measure], measure
    assert finance["actual"] == D(65000)


def test_finances_budget_card_covers_the_fiscal_year_too(client, two_years, finance_user):
    client.force_login(finance_user)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    assert "Spend by category against allocations in FY2027" in body
    assert response.context["spend_by_category"].params == {"group_by": "category", "year": str(_fy2027().pk)}
    assert f"FY2027 ({_days()}): the money spent in it" in body


def test_the_cards_period_reads_in_russian(client, two_years, cmo):
    client.force_login(cmo)
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Кампании по статусам в FY2027" in body
    assert "деньги его периодов" in body
    assert "Over all time" not in body and "the money of its periods" not in body


def test_without_a_fiscal_year_the_cards_cover_all_time(client, team, cmo):
    # given campaigns but no fiscal year yet (no pictures either)
    CampaignFactory(team=team)
    client.force_login(cmo)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    # then the cards cover all time, under their plain headings, with no period line
    assert response.context["campaigns_by_status"].params == {"group_by": "status"}
    assert "Campaigns by status" in body and 'data-testid="card-period"' not in body
