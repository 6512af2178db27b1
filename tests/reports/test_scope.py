# ruff: noqa: S608 - the SQL below names tables from the models' _meta; every value is a bound parameter
"""One scope per viewer (PRODUCT.md §2, §6): every figure of a report comes from the same teams.

For each role, every report's totals are compared with sums computed by
hand-written SQL over that role's teams — an independent reading of the
same tables, not a second call of the code under test. Finance and
leadership (the CMO) must then see the same totals on the same data: the
finding was a CMO who saw 0 approved where finance saw 1 million.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from accounts.models import Team
from accounts.scope import viewer_scope
from approvals.choices import RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from budgets.choices import FUNDED_STATUSES, REQUESTED_STATUSES
from budgets.models import BudgetAllocation, Commitment, Expense, FundingRequest
from budgets.selectors import utilisation
from campaigns.models import KPI, Campaign
from reports.registry import get_report
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
ALL = None  # every team

#: role fixture → the team names whose figures that viewer's reports add up (None: every team)
ROLES = {
    "marketer": ["Brand"],
    "other_team_marketer": ["Events"],
    "approver": [],  # an approver in no team: no team, no figures
    "brand_approver": ["Brand"],
    "finance_user": ALL,
    "leadership_user": ALL,
    "cmo": ALL,
    "admin_user": ALL,
}


@pytest.fixture
def brand_approver(team):
    return UserFactory(username="brand-approver", roles=["approver"], teams=[team])


@pytest.fixture
def approvals_world(money_world, marketer):
    """An approval request per kind of subject: SPRING's funding (Brand), EXPO's launch (Events, confidential)."""
    now = timezone.now()
    requests = [
        (SubjectKind.FUNDING_REQUEST, FundingRequest.objects.get(campaign=money_world["spring"]), StageStatus.APPROVED),
        (SubjectKind.CAMPAIGN_LAUNCH, money_world["expo"], StageStatus.IN_PROGRESS),
    ]
    for kind, subject, stage_status in requests:
        template = WorkflowTemplateFactory(name=f"Flow {kind}", subject_kind=kind)
        stage = StageFactory(template=template, name="Review", order=1)
        request = ApprovalRequest.objects.create(
            template=template,
            subject_kind=kind,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            subject_title=str(subject),
            submitted_by=marketer,
            status=RequestStatus.APPROVED if stage_status == StageStatus.APPROVED else RequestStatus.IN_PROGRESS,
        )
        finished = now if stage_status == StageStatus.APPROVED else None
        state = StageState.objects.create(
            request=request,
            stage=stage,
            order=1,
            name="Review",
            mode=stage.mode,
            status=stage_status,
            started_at=now - timezone.timedelta(days=2),
            finished_at=finished,
            due_at=now + timezone.timedelta(days=1),
        )
        request.current_stage = state
        request.save(update_fields=["current_stage"])
    return money_world


# --- the independent reading: plain SQL over the viewer's teams ----------------------------------


def _team_ids(names) -> list[int] | None:
    if names is ALL:
        return None
    return list(Team.objects.filter(name__in=names).values_list("pk", flat=True))


def _sql(query: str, params: list) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        value = cursor.fetchone()[0]
    return Decimal(str(value or 0)).quantize(D("0.01"))


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    """``AND column IN (...)`` for a team list; nothing for every team; always false for no team."""
    if ids is None:
        return "", []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def sql_totals(team_names) -> dict[str, Decimal]:
    """Every total the reports show, read from the tables with hand-written SQL."""
    ids = _team_ids(team_names)
    campaign = Campaign._meta.db_table
    allocation = BudgetAllocation._meta.db_table
    request = FundingRequest._meta.db_table
    commitment = Commitment._meta.db_table
    expense = Expense._meta.db_table
    kpi = KPI._meta.db_table
    team_of_campaign, p_campaign = _in("c.team_id", ids)
    team_of_allocation, p_allocation = _in("a.team_id", ids)
    requested, funded = list(REQUESTED_STATUSES), list(FUNDED_STATUSES)
    totals = {
        "campaigns": _sql(f"SELECT COUNT(*) FROM {campaign} c WHERE 1 = 1{team_of_campaign}", p_campaign),
        "planned_cost": _sql(f"SELECT SUM(c.planned_cost) FROM {campaign} c WHERE 1 = 1{team_of_campaign}", p_campaign),
        "allocated": _sql(f"SELECT SUM(a.amount) FROM {allocation} a WHERE 1 = 1{team_of_allocation}", p_allocation),
        "requested": _sql(
            f"SELECT SUM(r.amount) FROM {request} r JOIN {campaign} c ON c.id = r.campaign_id "
            f"WHERE r.status IN ({_placeholders(requested)}){team_of_campaign}",
            requested + p_campaign,
        ),
        "approved": _sql(
            f"SELECT SUM(r.approved_amount) FROM {request} r JOIN {campaign} c ON c.id = r.campaign_id "
            f"WHERE r.status IN ({_placeholders(funded)}){team_of_campaign}",
            funded + p_campaign,
        ),
        "committed": _sql(
            f"SELECT SUM(m.amount) FROM {commitment} m JOIN {campaign} c ON c.id = m.campaign_id "
            f"WHERE 1 = 1{team_of_campaign}",
            p_campaign,
        ),
        "actual": _sql(
            f"SELECT SUM(e.amount) FROM {expense} e JOIN {campaign} c ON c.id = e.campaign_id "
            f"WHERE 1 = 1{team_of_campaign}",
            p_campaign,
        ),
        # ROI covers the campaigns that asked for money
        "roi_cost": _sql(
            f"SELECT SUM(e.amount) FROM {expense} e JOIN {campaign} c ON c.id = e.campaign_id "
            f"WHERE e.campaign_id IN (SELECT campaign_id FROM {request}){team_of_campaign}",
            p_campaign,
        ),
        "roi_revenue": _sql(
            f"SELECT SUM(k.actual) FROM {kpi} k JOIN {campaign} c ON c.id = k.campaign_id "
            f"WHERE k.metric = %s AND k.campaign_id IN (SELECT campaign_id FROM {request}){team_of_campaign}",
            ["revenue", *p_campaign],
        ),
    }
    # Approval stages of the subjects of those teams (a funding request's or a campaign's team).
    stage, approval = StageState._meta.db_table, ApprovalRequest._meta.db_table
    if ids is None:
        subject = ""
        p_subject = []
    elif not ids:
        subject, p_subject = " AND 1 = 0", []
    else:
        subject = (
            f" AND ((q.subject_kind = %s AND q.object_id IN (SELECT r.id FROM {request} r JOIN {campaign} c "
            f"ON c.id = r.campaign_id WHERE c.team_id IN ({_placeholders(ids)}))) OR (q.subject_kind = %s AND "
            f"q.object_id IN (SELECT c.id FROM {campaign} c WHERE c.team_id IN ({_placeholders(ids)}))))"
        )
        p_subject = [SubjectKind.FUNDING_REQUEST.value, *ids, SubjectKind.CAMPAIGN_LAUNCH.value, *ids]
    totals["stages"] = _sql(
        f"SELECT COUNT(*) FROM {stage} s JOIN {approval} q ON q.id = s.request_id WHERE s.status IN (%s, %s){subject}",
        [StageStatus.APPROVED.value, StageStatus.IN_PROGRESS.value, *p_subject],
    )
    return totals


def report_totals(user) -> dict[str, Decimal]:
    """The same totals as MRM's reports and budget page compute them for ``user``."""

    def run(slug, **params):
        return get_report(slug).run(user, params).totals

    status = run("campaign-status")
    budget = run("budget-vs-actual", group_by="cell")
    roi = run("roi")
    cycle = run("approval-cycle-times")
    _rows, _unallocated, page = utilisation(user=user)
    money = lambda value: Decimal(value or 0).quantize(D("0.01"))  # noqa: E731
    totals = {
        "campaigns": money(status["campaigns"]),
        "planned_cost": money(status["planned_cost"]),
        **{key: money(budget[key]) for key in ("allocated", "requested", "approved", "committed", "actual")},
        "roi_cost": money(roi["cost"]),
        "roi_revenue": money(roi["revenue"]),
        "stages": money(cycle["decided"] + cycle["open"]),
    }
    # the other pages of the same scope say the same
    assert money(run("cost-structure")["actual"]) == totals["actual"]
    assert {key: money(page[key]) for key in ("allocated", "requested", "approved", "committed", "actual")} == {
        key: totals[key] for key in ("allocated", "requested", "approved", "committed", "actual")
    }
    return totals


@pytest.mark.parametrize("role", list(ROLES))
def test_every_report_total_equals_an_independent_sql_sum_over_the_viewers_teams(request, approvals_world, role):
    # given the world of tests/reports/conftest.py with approvals on a Brand and an Events subject
    user = request.getfixturevalue(role)
    # when the viewer's reports are computed, then every total is the SQL sum over their teams
    assert report_totals(user) == sql_totals(ROLES[role])


def test_the_sums_are_not_all_zero_so_the_comparison_can_fail(approvals_world):
    # the world has money in both teams: a scope mistake changes the totals
    brand, events = sql_totals(["Brand"]), sql_totals(["Events"])
    for key in ("campaigns", "allocated", "approved", "actual", "roi_cost", "stages"):
        assert brand[key] > 0 and events[key] > 0, key


def test_leadership_and_finance_see_the_same_totals(approvals_world, finance_user, leadership_user, cmo):
    # the finding: the CMO saw 0 approved and 0 actual where finance saw 1.06M and 656.5k
    finance = report_totals(finance_user)
    assert finance["approved"] == D("120000.00") and finance["actual"] == D("65000.00")
    assert report_totals(leadership_user) == finance
    assert report_totals(cmo) == finance


@pytest.mark.parametrize(
    ("role", "all_teams", "teams", "label"),
    [
        ("finance_user", True, [], "All teams"),
        ("cmo", True, [], "All teams"),
        ("marketer", False, ["Brand"], "Team: Brand"),
        ("approver", False, [], "No team: you belong to none, so there are no figures to show"),
    ],
)
def test_every_report_result_states_its_scope_in_the_api(request, client, money_world, role, all_teams, teams, label):
    client.force_login(request.getfixturevalue(role))
    for slug in ("campaign-status", "budget-vs-actual", "cost-structure", "roi", "approval-cycle-times"):
        body = client.get(f"/api/v1/reports/{slug}/", HTTP_ACCEPT_LANGUAGE="en").json()
        assert body["scope"] == {"all_teams": all_teams, "teams": teams, "label": label}, slug


def test_a_marketer_of_two_teams_gets_both_named(money_world, marketer, other_team):
    marketer.memberships.create(team=other_team)
    fresh = type(marketer).objects.get(pk=marketer.pk)
    scope = viewer_scope(fresh)
    assert scope.as_json() == {"all_teams": False, "teams": ["Brand", "Events"], "label": "Teams: Brand, Events"}
    # and the reports add up both teams' money
    assert report_totals(fresh) == sql_totals(["Brand", "Events"])


def test_the_scope_is_printed_on_the_report_page_and_the_dashboard(client, money_world, marketer, cmo):
    client.force_login(marketer)
    page = client.get("/reports/budget-vs-actual/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="report-scope"' in page and "Team: Brand" in page
    client.force_login(cmo)
    landing = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="dashboard-scope"' in landing and "All teams" in landing
    # every figure card of the CMO's overview says whose figures it holds
    assert landing.count('data-testid="card-scope"') == 3


def test_the_scope_label_follows_the_readers_language(client, money_world, cmo):
    cmo.language = "ru"
    cmo.save(update_fields=["language"])
    client.force_login(cmo)
    body = client.get("/api/v1/reports/roi/").json()
    assert body["scope"]["label"] == "Все команды"


def test_an_approver_in_no_team_gets_no_figure_cards(client, money_world, approver):
    client.force_login(approver)
    landing = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting on my decision" in landing
    assert 'data-testid="card-scope"' not in landing


def test_leadership_reads_confidential_campaigns_but_changes_nothing(api_as, money_world, leadership_user):
    client = api_as(leadership_user)
    expo = money_world["expo"]
    assert client.get(f"/api/v1/campaigns/{expo.pk}/").status_code == 200
    assert client.patch(f"/api/v1/campaigns/{expo.pk}/", {"name": "Renamed"}, format="json").status_code == 403
    expo.refresh_from_db()
    assert expo.name == "Secret expo"
