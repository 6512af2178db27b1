"""Query budgets: every report page, endpoint and dashboard costs the same for 1 and 50 rows (docs/TESTING.md)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from approvals.choices import RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from budgets.choices import ActualLineStatus, FundingRequestStatus
from budgets.models import ActualLine, ImportBatch
from campaigns.choices import KPIMetric
from campaigns.models import Channel
from reports.models import ReportRun
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
    ImportSourceFactory,
)
from tests.campaigns.factories import CampaignFactory, KPIFactory, TaskFactory
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
counter = itertools.count()


@pytest.fixture
def money_row(team, marketer):
    """One more row of every money report: a team, category and period, an allocation, a funded, spent campaign."""

    def make():
        n = next(counter)
        row_team = TeamFactory(name=f"Team {n:03d}")
        category = ExpenseCategoryFactory(code=f"Q-{n:03d}")
        # periods of one year never overlap (a PostgreSQL constraint): each row has its own year
        period = FiscalPeriodFactory(name=f"P {n:03d}", year=FiscalYearFactory(name=f"FY-{n:03d}"))
        BudgetAllocationFactory(period=period, team=row_team, category=category, amount=Decimal("1000.00"))
        campaign = CampaignFactory(team=row_team, owner=marketer, code=f"Q-{n:03d}")
        campaign.channels.set([Channel.objects.get_or_create(code=f"ch-{n % 5}", defaults={"name": f"Ch {n % 5}"})[0]])
        request = FundingRequestFactory(
            campaign=campaign,
            category=category,
            period=period,
            status=FundingRequestStatus.APPROVED,
            approved_amount=Decimal("500.00"),
        )
        ExpenseFactory(funding_request=request, amount=Decimal("100.00"))
        KPIFactory(campaign=campaign, metric=KPIMetric.REVENUE, actual=Decimal("300"))
        KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, actual=Decimal("3"))

    return make


@pytest.fixture
def stage_row(marketer):
    template = WorkflowTemplateFactory(name="Q", subject_kind=SubjectKind.MATERIAL_VERSION)
    content_type = ContentType.objects.get_for_model(marketer)

    def make():
        n = next(counter)
        stage = StageFactory(template=template, name=f"Stage {n:03d}", order=n + 1)
        request = ApprovalRequest.objects.create(
            template=template,
            subject_kind=SubjectKind.MATERIAL_VERSION,
            content_type=content_type,
            object_id=n + 1,
            subject_title="x",
            submitted_by=marketer,
            status=RequestStatus.APPROVED,
        )
        started = timezone.now() - dt.timedelta(days=3)
        StageState.objects.create(
            request=request,
            stage=stage,
            order=1,
            name=stage.name,
            mode=stage.mode,
            status=StageStatus.APPROVED,
            started_at=started,
            finished_at=started + dt.timedelta(days=1),
            due_at=started + dt.timedelta(days=2),
        )

    return make


@pytest.fixture
def unmapped_row(finance_user):
    source = ImportSourceFactory()
    batch = ImportBatch.objects.create(
        kind="actuals", file_name="a.csv", content=b"", sha256="0" * 64, uploaded_by=finance_user
    )

    def make():
        n = next(counter)
        ActualLine.objects.create(
            source=source,
            batch=batch,
            line_number=n,
            date=dt.date(2027, 1, 1),
            document_number=f"D-{n}",
            amount=Decimal("10.00"),
            category=ExpenseCategoryFactory(code=f"U-{n:03d}"),
            status=ActualLineStatus.UNMAPPED,
            fingerprint=f"f{n}",
        )

    return make


MONEY_VIEWS = [
    ("budget-vs-actual", {"group_by": "cell"}),
    ("budget-vs-actual", {"group_by": "team"}),
    ("cost-structure", {}),
    ("roi", {}),
    ("roi", {"group_by": "channel"}),
    ("roi", {"group_by": "programme"}),
    ("campaign-status", {"group_by": "team"}),
    ("campaign-status", {"group_by": "channel"}),
    ("campaign-status", {"group_by": "programme"}),
]


@pytest.mark.parametrize(("slug", "params"), MONEY_VIEWS)
def test_money_report_pages_have_no_n_plus_1(assert_constant_queries, client, finance_user, money_row, slug, params):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get(f"/reports/{slug}/", params), money_row)


@pytest.mark.parametrize(("slug", "params"), MONEY_VIEWS)
def test_money_report_endpoints_have_no_n_plus_1(
    assert_constant_queries, api_as, finance_user, money_row, slug, params
):
    client = api_as(finance_user)
    assert_constant_queries(lambda: client.get(f"/api/v1/reports/{slug}/", params), money_row)


def test_a_marketers_scoped_report_has_no_n_plus_1(assert_constant_queries, api_as, marketer, team):
    client = api_as(marketer)

    def make():
        CampaignFactory(team=team, owner=marketer)

    assert_constant_queries(lambda: client.get("/api/v1/reports/campaign-status/?group_by=status"), make)


def test_approval_cycle_times_have_no_n_plus_1(assert_constant_queries, api_as, admin_user, stage_row):
    client = api_as(admin_user)
    assert_constant_queries(lambda: client.get("/api/v1/reports/approval-cycle-times/"), stage_row)


def test_spend_without_request_page_and_pdf_have_no_n_plus_1(
    assert_constant_queries, client, finance_user, unmapped_row
):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get("/reports/spend-without-request/"), unmapped_row)


def test_exports_have_no_n_plus_1(assert_constant_queries, api_as, finance_user, money_row):
    client = api_as(finance_user)
    assert_constant_queries(lambda: client.get("/api/v1/reports/roi/?format=xlsx"), money_row, rows=10)


@pytest.mark.parametrize("user_fixture", ["approver", "finance_user", "marketer", "admin_user"])
def test_dashboards_have_no_n_plus_1(assert_constant_queries, client, request, money_row, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)

    def make():
        money_row()
        TaskFactory(campaign=CampaignFactory(owner=user), assignee=user, due_date=dt.date(2027, 1, 1))

    assert_constant_queries(lambda: client.get("/"), make, rows=20)


def test_report_runs_list_has_no_n_plus_1(assert_constant_queries, api_as, finance_user):
    client = api_as(finance_user)
    assert_constant_queries(
        lambda: client.get("/api/v1/report-runs/?page_size=100"),
        lambda: ReportRun.objects.create(report="roi", format="pdf", requested_by=finance_user),
    )
