"""Fixtures of the report tests: a small world whose figures are computed by hand in the tests.

Brand (team A) and Events (team B), Q1 2027, two categories:

| allocation | amount |
|---|---|
| Brand · Q1 · SEA | 100 000 |
| Brand · Q1 · EVT | 50 000 |
| Events · Q1 · SEA | 80 000 |

| campaign | team | request (Q1) | approved | expenses | commitment | revenue | leads |
|---|---|---|---|---|---|---|---|
| SPRING (e-mail + social) | Brand | 60 000 SEA | 50 000 | 20 000 + 10 000 | 40 000 | 90 000 | 30 |
| EXPO (confidential, events) | Events | 70 000 SEA | 70 000 | 35 000 | — | 35 000 | 10 |
| AUTUMN (draft) | Brand | 15 000 EVT submitted | — | — | — | — | — |
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from approvals.choices import RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from budgets.choices import FundingRequestStatus
from budgets.models import Commitment, FundingRequest
from campaigns.choices import CampaignStatus, KPIMetric
from campaigns.models import Campaign, Channel
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import (
    BudgetAllocationFactory,
    CommitmentFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
)
from tests.campaigns.factories import CampaignFactory, KPIFactory


@pytest.fixture
def q1(db):
    return FiscalPeriodFactory(year=FiscalYearFactory())


@pytest.fixture
def sea(db):
    return ExpenseCategoryFactory(code="MKT-SEA", name="Paid search", name_ru="Контекстная реклама")


@pytest.fixture
def evt(db):
    return ExpenseCategoryFactory(code="MKT-EVT", name="Events", name_ru="Мероприятия")


def channel(code):
    """A built-in channel (seeded by a migration; browser tests flush it, so made again when missing)."""
    return Channel.objects.get_or_create(code=code, defaults={"name": code})[0]


@pytest.fixture
def money_world(team, other_team, marketer, other_team_marketer, q1, sea, evt):
    """The world of the module docstring; returns its campaigns by name."""
    BudgetAllocationFactory(period=q1, team=team, category=sea, amount=Decimal("100000.00"))
    BudgetAllocationFactory(period=q1, team=team, category=evt, amount=Decimal("50000.00"))
    BudgetAllocationFactory(period=q1, team=other_team, category=sea, amount=Decimal("80000.00"))

    spring = CampaignFactory(
        code="SPRING",
        name="Spring launch",
        team=team,
        owner=marketer,
        status=CampaignStatus.ACTIVE,
        planned_cost=Decimal("60000.00"),
        channels=[channel("email"), channel("social")],
    )
    expo = CampaignFactory(
        code="EXPO",
        name="Secret expo",
        team=other_team,
        owner=other_team_marketer,
        status=CampaignStatus.ACTIVE,
        planned_cost=Decimal("70000.00"),
        confidential=True,
        channels=[channel("events")],
    )
    autumn = CampaignFactory(code="AUTUMN", name="Autumn", team=team, owner=marketer, planned_cost=Decimal("5000.00"))

    fr_spring = FundingRequestFactory(
        campaign=spring,
        category=sea,
        period=q1,
        amount=Decimal("60000.00"),
        status=FundingRequestStatus.PARTIALLY_APPROVED,
        approved_amount=Decimal("50000.00"),
    )
    fr_expo = FundingRequestFactory(
        campaign=expo,
        category=sea,
        period=q1,
        amount=Decimal("70000.00"),
        status=FundingRequestStatus.APPROVED,
        approved_amount=Decimal("70000.00"),
    )
    FundingRequestFactory(
        campaign=autumn, category=evt, period=q1, amount=Decimal("15000.00"), status=FundingRequestStatus.SUBMITTED
    )
    ExpenseFactory(funding_request=fr_spring, amount=Decimal("20000.00"), date=dt.date(2027, 2, 1))
    ExpenseFactory(funding_request=fr_spring, amount=Decimal("10000.00"), date=dt.date(2027, 3, 1))
    CommitmentFactory(funding_request=fr_spring, amount=Decimal("40000.00"))
    ExpenseFactory(funding_request=fr_expo, amount=Decimal("35000.00"), date=dt.date(2027, 2, 15))

    KPIFactory(campaign=spring, metric=KPIMetric.REVENUE, actual=Decimal("90000"))
    KPIFactory(campaign=spring, metric=KPIMetric.LEADS, actual=Decimal("30"))
    KPIFactory(campaign=expo, metric=KPIMetric.REVENUE, actual=Decimal("35000"))
    KPIFactory(campaign=expo, metric=KPIMetric.LEADS, actual=Decimal("10"))
    return {"spring": spring, "expo": expo, "autumn": autumn}


def _aware(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def stage_history(marketer):
    """Three runs of the stage "Brand review" of the workflow "Materials".

    1 day (due in 2: in time), 3 days (due in 2: late), and one still open
    past its due time. Expected: 2 decided, average 2.0 days, longest 3.0,
    1 late, 1 open and overdue, 2 breaches of 3 = 66.7 %.
    """
    template = WorkflowTemplateFactory(name="Materials", subject_kind=SubjectKind.MATERIAL_VERSION)
    stage = StageFactory(template=template, name="Brand review", order=1)
    content_type = ContentType.objects.get_for_model(marketer)
    runs = [
        (StageStatus.APPROVED, RequestStatus.APPROVED, _aware(2026, 1, 4, 9), _aware(2026, 1, 5, 9), 2),
        (
            StageStatus.CHANGES_REQUESTED,
            RequestStatus.CHANGES_REQUESTED,
            _aware(2026, 1, 10, 9),
            _aware(2026, 1, 13, 9),
            2,
        ),
        (StageStatus.IN_PROGRESS, RequestStatus.IN_PROGRESS, _aware(2026, 1, 20, 9), None, 2),
    ]
    for index, (stage_status, request_status, started, finished, sla) in enumerate(runs, start=1):
        request = ApprovalRequest.objects.create(
            template=template,
            subject_kind=SubjectKind.MATERIAL_VERSION,
            content_type=content_type,
            object_id=1000 + index,
            subject_title=f"Poster {index}",
            submitted_by=marketer,
            status=request_status,
        )
        state = StageState.objects.create(
            request=request,
            stage=stage,
            order=1,
            name=stage.name,
            mode=stage.mode,
            status=stage_status,
            started_at=started,
            finished_at=finished,
            due_at=started + dt.timedelta(days=sla),
        )
        request.current_stage = state
        request.save(update_fields=["current_stage"])
    return template


@pytest.fixture
def burn_world(money_world):
    """The money world with decision and spend dates for the dashboards' budget burn (tests/reports/test_pictures.py)."""
    spring, expo = money_world["spring"], money_world["expo"]
    FundingRequest.objects.filter(campaign=spring).update(decided_at=_aware(2027, 2, 10, 12))
    FundingRequest.objects.filter(campaign=expo).update(decided_at=_aware(2027, 1, 20, 12))
    Commitment.objects.update(date=dt.date(2027, 3, 10))
    fr_spring = FundingRequest.objects.get(campaign=spring)
    ExpenseFactory(funding_request=fr_spring, amount=Decimal("5000.00"), date=dt.date(2026, 12, 20))
    ExpenseFactory(funding_request=fr_spring, amount=Decimal("1000.00"), date=dt.date(2028, 1, 5))
    return money_world


@pytest.fixture
def funnel_world(burn_world, marketer):
    """The burn world and five launch approvals through two stages, one submitted before FY2027 (test_pictures.py)."""
    template = WorkflowTemplateFactory(name="Launch", subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    first = StageFactory(template=template, name="Brand review", order=1)
    second = StageFactory(template=template, name="Legal", order=2)
    content_type = ContentType.objects.get_for_model(Campaign)
    spring = burn_world["spring"]
    runs = [
        # (object id, submitted, request status, [(stage, status, days or None)])
        (spring.pk, (2027, 1, 4), RequestStatus.APPROVED, [(first, StageStatus.APPROVED, 1), (second, "approved", 3)]),
        (900001, (2027, 2, 1), RequestStatus.CHANGES_REQUESTED, [(first, StageStatus.CHANGES_REQUESTED, 2)]),
        (900002, (2027, 3, 1), RequestStatus.REJECTED, [(first, StageStatus.APPROVED, 5), (second, "rejected", 1)]),
        (900003, (2027, 4, 1), RequestStatus.IN_PROGRESS, [(first, StageStatus.IN_PROGRESS, None)]),
        (900004, (2026, 6, 1), RequestStatus.APPROVED, [(first, StageStatus.APPROVED, 9)]),
    ]
    for object_id, submitted, status, stages in runs:
        request = ApprovalRequest.objects.create(
            template=template,
            subject_kind=SubjectKind.CAMPAIGN_LAUNCH,
            content_type=content_type,
            object_id=object_id,
            subject_title=f"Launch {object_id}",
            submitted_by=marketer,
            status=status,
        )
        ApprovalRequest.objects.filter(pk=request.pk).update(submitted_at=_aware(*submitted, 9))
        started = _aware(*submitted, 10)
        for stage, stage_status, days in stages:
            finished = started + dt.timedelta(days=days) if days is not None else None
            StageState.objects.create(
                request=request,
                stage=stage,
                order=stage.order,
                name=stage.name,
                mode=stage.mode,
                status=stage_status,
                started_at=started,
                finished_at=finished,
            )
            started = finished
    return burn_world
