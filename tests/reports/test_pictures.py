"""The dashboards' pictures (issue 19): budget burn, spend by channel and the approvals funnel.

Figures of the report world (tests/reports/conftest.py, FY2027), with decision
and spend dates set here, computed by hand:

| month | allocated | approved | committed | spent (all teams) |
|---|---|---|---|---|
| Jan 2027 | 230 000 (Brand 150 000, Events 80 000) | 70 000 (EXPO) | — | 5 000 (SPRING, dated Dec 2026) |
| Feb 2027 | — | 50 000 (SPRING) | — | 55 000 (SPRING 20 000, EXPO 35 000) |
| Mar 2027 | — | — | 40 000 (SPRING) | 10 000 (SPRING) |
| Dec 2027 | — | — | — | 1 000 (SPRING, dated Jan 2028) |

Approvals submitted in 2027 (two stages, "Brand review" then "Legal"; one
request of 2026 left out):

| request | stage 1 | stage 2 | outcome |
|---|---|---|---|
| 1 (SPRING launch) | approved after 1 day | approved after 3 days | approved |
| 2 | changes requested after 2 days | — | changes requested |
| 3 | approved after 5 days | rejected after 1 day | rejected |
| 4 | open | — | in progress |
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from approvals.choices import RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from budgets.choices import FundingRequestStatus
from budgets.models import FiscalYear, FundingRequest
from campaigns.models import Campaign, Channel
from reports import selectors
from reports.pictures import dashboard_pictures
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import BudgetAllocationFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

ALL_TEAMS = ("finance_user", "leadership_user", "cmo", "admin_user")


def _year():
    return FiscalYear.objects.get(name="FY2027")


def _burn(user):
    rows, totals = selectors.budget_burn(user, _year())
    return {row["month"].month: tuple(row[m] for m in selectors.BURN_MEASURES) for row in rows}, totals


def D(value):
    return Decimal(value).quantize(Decimal("0.01"))


@pytest.mark.parametrize("user_fixture", ALL_TEAMS)
def test_budget_burn_adds_up_every_team_month_by_month(request, burn_world, user_fixture):
    by_month, totals = _burn(request.getfixturevalue(user_fixture))
    assert len(by_month) == 12
    assert by_month[1] == (D(230000), D(70000), D(0), D(5000))
    assert by_month[2] == (D(230000), D(120000), D(0), D(60000))
    assert by_month[3] == (D(230000), D(120000), D(40000), D(70000))
    assert by_month[11] == (D(230000), D(120000), D(40000), D(70000))
    assert by_month[12] == (D(230000), D(120000), D(40000), D(71000))
    assert totals["spent"] == D(71000)
    assert totals["utilisation"] == Decimal("30.9")


def test_budget_burn_ends_at_the_budget_vs_actual_totals(burn_world, finance_user):
    _, burn = _burn(finance_user)
    _, bva = selectors.budget_vs_actual(finance_user, group_by="period")
    assert (burn["allocated"], burn["approved"], burn["committed"], burn["spent"]) == (
        bva["allocated"],
        bva["approved"],
        bva["committed"],
        bva["actual"],
    )


def test_a_marketer_sees_the_burn_of_their_teams_only(burn_world, marketer, other_team_marketer):
    by_month, _ = _burn(marketer)
    assert by_month[1] == (D(150000), D(0), D(0), D(5000))
    assert by_month[2] == (D(150000), D(50000), D(0), D(25000))
    assert by_month[3] == (D(150000), D(50000), D(40000), D(35000))
    assert by_month[12] == (D(150000), D(50000), D(40000), D(36000))
    other, _ = _burn(other_team_marketer)
    assert other[1] == (D(80000), D(70000), D(0), D(0))
    assert other[12] == (D(80000), D(70000), D(0), D(35000))


def test_budget_burn_monthly_figures_add_up_to_the_cumulative_ones(burn_world, finance_user):
    rows, totals = selectors.budget_burn(finance_user, _year())
    for measure in selectors.BURN_MEASURES:
        assert sum(row[f"{measure}_month"] for row in rows) == totals[measure]
    assert rows[1]["spent_month"] == D(55000)


@pytest.mark.parametrize("user_fixture", ALL_TEAMS)
def test_spend_by_channel_splits_a_campaign_between_its_channels(request, burn_world, user_fixture):
    rows, totals = selectors.spend_by_channel(request.getfixturevalue(user_fixture), _year())
    figures = [(row["channel"].code, row["spent"], row["share"]) for row in rows]
    assert figures[0] == ("events", D(35000), Decimal("49.3"))
    assert sorted(figures[1:]) == [("email", D(18000), Decimal("25.4")), ("social", D(18000), Decimal("25.4"))]
    assert totals == {"spent": D(71000), "share": Decimal("100.0")}


def test_a_marketer_sees_the_spend_of_their_teams_channels(burn_world, marketer):
    rows, totals = selectors.spend_by_channel(marketer, _year())
    assert sorted((row["channel"].code, row["spent"]) for row in rows) == [("email", D(18000)), ("social", D(18000))]
    assert totals["spent"] == D(36000)


@pytest.mark.parametrize("user_fixture", ALL_TEAMS)
def test_the_approvals_funnel_counts_each_stage_and_its_time(request, funnel_world, user_fixture):
    funnel = selectors.approvals_funnel(request.getfixturevalue(user_fixture), _year())
    assert funnel["submitted"] == 4
    assert funnel["outcomes"] == {"approved": 1, "changes_requested": 1, "rejected": 1}
    assert funnel["open"] == 1
    first, second = funnel["stages"]
    assert (first["name"], first["reached"], first["approved"], first["changes_requested"], first["open"]) == (
        "Brand review",
        4,
        2,
        1,
        1,
    )
    assert (first["median_days"], first["avg_days"]) == (Decimal("2.0"), Decimal("2.7"))
    assert (second["name"], second["reached"], second["approved"], second["rejected"]) == ("Legal", 2, 1, 1)
    assert (second["median_days"], second["avg_days"]) == (Decimal("2.0"), Decimal("2.0"))


def test_a_marketer_funnel_holds_their_teams_requests_only(funnel_world, marketer, other_team_marketer):
    funnel = selectors.approvals_funnel(marketer, _year())
    assert funnel["submitted"] == 1
    assert funnel["outcomes"]["approved"] == 1
    assert [(s["reached"], s["median_days"]) for s in funnel["stages"]] == [(1, Decimal("1.0")), (1, Decimal("3.0"))]
    assert selectors.approvals_funnel(other_team_marketer, _year())["submitted"] == 0


def test_leadership_and_finance_see_the_same_pictures(funnel_world, finance_user, leadership_user, cmo):
    def figures(user):
        found = dashboard_pictures(user)
        return [(p.chart.as_json(), [list(row) for row in p.cells()]) for p in found["pictures"]]

    assert figures(finance_user) == figures(leadership_user) == figures(cmo)


def test_the_current_fiscal_year_is_the_one_holding_today(db):
    FiscalYear.objects.create(name="FY2026", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    FiscalYear.objects.create(name="FY2027", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31))
    assert selectors.current_fiscal_year(dt.date(2026, 6, 1)).name == "FY2026"
    assert selectors.current_fiscal_year(dt.date(2027, 6, 1)).name == "FY2027"
    assert selectors.current_fiscal_year(dt.date(2029, 6, 1)).name == "FY2027"  # the latest begun
    assert selectors.current_fiscal_year(dt.date(2020, 6, 1)).name == "FY2026"  # none begun: the first


def test_no_pictures_without_a_scope_or_a_fiscal_year(db, approver, finance_user):
    assert dashboard_pictures(approver) == {}  # an approver in no team has no figures
    assert dashboard_pictures(finance_user) == {}  # no fiscal year yet


@pytest.mark.parametrize(("user_fixture", "view"), [("cmo", "cmo"), ("finance_user", "finance")])
def test_the_dashboards_show_each_picture_with_its_table(client, request, funnel_world, user_fixture, view):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(f"/?view={view}")
    assert response.context["dashboard_kind"] == view
    page = response.content.decode()
    for chart_id in ("budget-burn", "spend-by-channel", "approvals-funnel"):
        assert f'data-report-chart="{chart_id}"' in page
    assert page.count('data-testid="picture-table"') == 3
    assert page.count("<details") >= 3
    assert "Fiscal year FY2027 at a glance" in page


@pytest.fixture
def year_row(burn_world, marketer):
    """One more row of every picture in FY2027: a team's allocation, a funded campaign with spend and an approval."""
    counter = iter(range(1000))
    q1 = _year().periods.get()
    category = FundingRequest.objects.first().category
    template = WorkflowTemplateFactory(name="Rows", subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    stage = StageFactory(template=template, name="Review", order=1)
    content_type = ContentType.objects.get_for_model(Campaign)

    def make():
        n = next(counter)
        team = TeamFactory(name=f"Row team {n:03d}")
        BudgetAllocationFactory(period=q1, team=team, category=category, amount=Decimal("1000.00"))
        campaign = CampaignFactory(team=team, owner=marketer, code=f"ROW-{n:03d}")
        campaign.channels.set(
            [Channel.objects.get_or_create(code=f"row-{n % 4}", defaults={"name": f"Row {n % 4}"})[0]]
        )
        funded = FundingRequestFactory(
            campaign=campaign,
            category=category,
            period=q1,
            status=FundingRequestStatus.APPROVED,
            approved_amount=Decimal("500.00"),
        )
        ExpenseFactory(funding_request=funded, amount=Decimal("100.00"), date=dt.date(2027, 1 + n % 12, 5))
        request = ApprovalRequest.objects.create(
            template=template,
            subject_kind=SubjectKind.CAMPAIGN_LAUNCH,
            content_type=content_type,
            object_id=campaign.pk,
            subject_title=campaign.name,
            submitted_by=marketer,
            status=RequestStatus.APPROVED,
        )
        ApprovalRequest.objects.filter(pk=request.pk).update(
            submitted_at=timezone.make_aware(dt.datetime(2027, 2, 1, 9))
        )
        started = timezone.make_aware(dt.datetime(2027, 2, 1, 10))
        StageState.objects.create(
            request=request,
            stage=stage,
            order=1 + n % 3,
            name=stage.name,
            mode=stage.mode,
            status=StageStatus.APPROVED,
            started_at=started,
            finished_at=started + dt.timedelta(days=1 + n % 5),
        )

    return make


@pytest.mark.parametrize("user_fixture", ["finance_user", "cmo", "marketer"])
def test_the_pictures_cost_the_same_queries_for_1_and_30_rows(assert_constant_queries, request, year_row, user_fixture):
    user = User.objects.with_roles_and_teams().get(pk=request.getfixturevalue(user_fixture).pk)

    def fetch():
        return [list(p.cells()) for p in dashboard_pictures(user)["pictures"]]

    # the fiscal year; the year's spend (per campaign × month); allocated, approved, committed by month;
    # the channels of the spending campaigns and their names; the requests by status; the stages
    assert assert_constant_queries(fetch, year_row, rows=30) == (9, 9)


def test_the_dashboards_cost_the_same_queries_with_the_pictures(assert_constant_queries, client, cmo, year_row):
    client.force_login(cmo)
    assert_constant_queries(lambda: client.get("/"), year_row, rows=20)


def test_the_pictures_read_in_russian(client, funnel_world, finance_user):
    finance_user.language = "ru"
    finance_user.save(update_fields=["language"])
    client.force_login(finance_user)
    page = client.get("/?view=finance").content.decode()
    assert "Финансовый год FY2027: главное" in page
    assert "Освоение бюджета в FY2027, нарастающим итогом по месяцам" in page
    assert page.count("Показать таблицу") == 3
    assert "230\xa0000,00\xa0₽" in page  # money the Russian way, as everywhere else
    assert "Январь 2027" in page or "январь 2027" in page.lower()
