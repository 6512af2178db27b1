"""Journey (issue 18 item 7): the CMO opens a programme and reads its totals; a marketer reads his team's share."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets.choices import FundingRequestStatus
from campaigns.choices import CampaignStatus, KPIMetric
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory, KPIFactory
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.date(2027, 2, 1)


@pytest.fixture
def spring_programme(team, other_team, marketer):
    programme = CampaignFactory(
        code="PRG-SPRING",
        name="Spring programme",
        team=team,
        owner=marketer,
        start_date=START,
        end_date=START + dt.timedelta(days=60),
        planned_cost=Decimal("900000.00"),
        status=CampaignStatus.ACTIVE,
    )
    for code, name, child_team, planned, approved, committed, spent, status, leads in [
        ("SPR-WEB", "Spring webinars", team, "250000.00", "200000.00", "120000.00", "80000.00", "active", "140"),
        ("SPR-FAIR", "Spring fair", other_team, "400000.00", "350000.00", "0", "150000.00", "active", "260"),
        ("SPR-MAIL", "Spring mailing", team, "50000.00", "0", "0", "0", "planned", None),
    ]:
        child = CampaignFactory(
            code=code,
            name=name,
            team=child_team,
            parent=programme,
            start_date=START,
            end_date=START + dt.timedelta(days=30),
            planned_cost=Decimal(planned),
            status=status,
        )
        if Decimal(approved):
            request = FundingRequestFactory(
                campaign=child,
                amount=Decimal(approved),
                approved_amount=Decimal(approved),
                status=FundingRequestStatus.APPROVED,
            )
            if Decimal(committed):
                CommitmentFactory(funding_request=request, amount=Decimal(committed))
            if Decimal(spent):
                ExpenseFactory(funding_request=request, amount=Decimal(spent))
        KPIFactory(
            campaign=child,
            metric=KPIMetric.LEADS,
            target=Decimal("300"),
            actual=Decimal(leads) if leads else None,
        )
    return programme


def test_the_cmo_opens_a_programme_and_reads_its_totals(page, sign_in, cmo, spring_programme, screenshot):
    sign_in(page, cmo, next_path=spring_programme.get_absolute_url())
    card = page.get_by_test_id("programme-rollup")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading", name="Programme totals")).to_be_visible()
    expect(card.get_by_test_id("programme-scope")).to_contain_text("3 campaigns under this programme")
    expect(card.get_by_test_id("programme-scope")).to_contain_text("All teams")
    expect(card.get_by_test_id("rollup-planned-cost")).to_contain_text(re.compile(r"700[ ,\u00a0\u202f]?000"))
    expect(card.get_by_test_id("rollup-approved")).to_contain_text(re.compile(r"550[ ,\u00a0\u202f]?000"))
    expect(card.get_by_test_id("rollup-spent")).to_contain_text(re.compile(r"230[ ,\u00a0\u202f]?000"))
    expect(card.get_by_test_id("rollup-status")).to_have_count(2)
    expect(card.get_by_test_id("rollup-statuses")).to_contain_text("Active: 2")
    expect(card.get_by_test_id("rollup-kpi")).to_contain_text("Leads")
    card.scroll_into_view_if_needed()
    screenshot(page, "campaign_programme")
    assert_accessible(page)


def test_a_marketer_reads_only_his_teams_share(page, sign_in, marketer, spring_programme):
    sign_in(page, marketer, next_path=spring_programme.get_absolute_url())
    card = page.get_by_test_id("programme-rollup")
    expect(card.get_by_test_id("programme-scope")).to_contain_text("2 campaigns under this programme")
    expect(card.get_by_test_id("programme-scope")).to_contain_text("Team: Brand")
    expect(card.get_by_test_id("rollup-planned-cost")).to_contain_text(re.compile(r"300[ ,\u00a0\u202f]?000"))
    expect(card.get_by_test_id("rollup-statuses")).to_contain_text("Active: 1")
