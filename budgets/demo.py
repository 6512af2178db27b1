"""Demo finance structure and money: fiscal years with quarters, finance's categories, allocations,
funding requests in every state with commitments and expenses, one accounting import.

Safe to run again: years, categories and allocations are updated in place,
and the accounting file is imported once (its lines are deduplicated anyway).
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from accounts.models import Team, User
from budgets import services
from budgets.choices import ActualLineStatus, ImportKind, PeriodKind
from budgets.matching import match_actual_lines
from budgets.models import (
    ActualLine,
    Commitment,
    Expense,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    FundingRequest,
    ImportBatch,
    ImportSource,
)
from imports.services import import_job_apply, import_job_confirm, import_run

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CATEGORIES_FILE = FIXTURES / "expense_categories.csv"
ACCOUNTING_FILE = FIXTURES / "accounting_export_cp1251.csv"

# Quarterly amounts per team and category code (demo numbers, in MRM_CURRENCY).
ALLOCATIONS = {
    "Brand": {"MKT-PR": "400000.00", "MKT-PRN": "150000.00", "MKT-AGY": "300000.00", "MKT-RES": "120000.00"},
    "Digital": {"MKT-DIG-SEA": "900000.00", "MKT-DIG-SOC": "600000.00", "MKT-AGY": "200000.00"},
    "Events": {"MKT-EVT": "1500000.00", "MKT-PRN": "80000.00", "MKT-SOU": "250000.00"},
    "Регион Север": {"MKT-EVT": "300000.00", "MKT-PRN": "60000.00", "MKT-DIG-SEA": "150000.00"},
}

ONE_C = {
    "name": "1C:Accounting (CSV)",
    "encoding": "cp1251",
    "delimiter": ";",
    "decimal_comma": True,
    "date_format": "%d.%m.%Y",
    "date_column": "Дата",
    "document_number_column": "Номер документа",
    "vendor_column": "Контрагент",
    "amount_column": "Сумма",
    "gl_account_column": "Счет",
    "category_column": "Статья",
    "comment_column": "Комментарий",
    "reference_column": "",
}


# The sample accounting export quotes FR-2027-0001 and FR-2027-0002 (February 2027).
SAMPLE_YEAR = 2027

# The campaigns the sample export pays for. A request's period must overlap its campaign's dates
# (PRODUCT.md §4), so the export's Q1 2027 money belongs to campaigns running then, whatever the
# day the demo is seeded: code, name, team, owner, first day, last day, planned cost, channels.
SAMPLE_CAMPAIGNS = [
    (
        "DEMO-17",
        "Spring 2027 search push",
        "Digital",
        "marketer",
        datetime.date(SAMPLE_YEAR, 2, 1),
        datetime.date(SAMPLE_YEAR, 3, 31),
        "300000",
        ["paid_search"],
    ),
    (
        "DEMO-18",
        "Spring 2027 store leaflets",
        "Brand",
        "marketer",
        datetime.date(SAMPLE_YEAR, 2, 1),
        datetime.date(SAMPLE_YEAR, 3, 15),
        "60000",
        ["print"],
    ),
]

# Funding requests in every state: (key, campaign code, category, period ("sample" = Q1 of
# SAMPLE_YEAR, "now" = the period proposed from the campaign's dates), amount, state, approved
# amount, justification). The first two, created first in their year, are FR-2027-0001 and -0002.
REQUESTS = [
    (
        "paid-search",
        "DEMO-17",
        "MKT-DIG-SEA",
        "sample",
        "300000.00",
        "approved",
        None,
        "Always-on search ads in Q1: 2 400 clicks a week, about 180 leads a month at today's cost per click.",
    ),
    (
        "leaflets",
        "DEMO-18",
        "MKT-PRN",
        "sample",
        "60000.00",
        "approved",
        None,
        "Leaflets and posters for the spring brand campaign in 40 partner stores.",
    ),
    (
        "search-now",
        "DEMO-04",
        "MKT-DIG-SEA",
        "now",
        "450000.00",
        "approved",
        None,
        "Always-on search ads this quarter: about 200 leads a month at today's cost per click.",
    ),
    (
        "agency",
        "DEMO-01",
        "MKT-AGY",
        "now",
        "400000.00",
        "approved",
        "300000.00",
        "Creative agency for the spring campaign: concept, key visual and adaptations.",
    ),
    (
        "expo",
        "DEMO-06",
        "MKT-EVT",
        "now",
        "1200000.00",
        "submitted",
        None,
        "Booth at the industry expo: 3 days, 600 expected visitors, 150 qualified leads.",
    ),
    (
        "webinars",
        "DEMO-05",
        "MKT-DIG-SOC",
        "now",
        "150000.00",
        "submitted",
        None,
        "Promotion of the webinar series on social networks: 400 registrations expected.",
    ),
    (
        "north-expo",
        "DEMO-09",
        "MKT-EVT",
        "now",
        "800000.00",
        "rejected",
        None,
        "Стенд на региональной выставке: 200 контактов, 40 лидов.",
    ),
    (
        "murmansk",
        "DEMO-10",
        "MKT-PRN",
        "now",
        "300000.00",
        "draft",
        None,
        "Наружная и печатная реклама в Мурманске перед открытием офиса.",
    ),
    (
        "launch-pr",
        "DEMO-02",
        "MKT-PR",
        "now",
        "250000.00",
        "withdrawn",
        None,
        "PR support for the product launch (replaced by a larger request after the plan changed).",
    ),
    (
        "roadshow",
        "DEMO-08",
        "MKT-EVT",
        "now",
        "400000.00",
        "approved",
        None,
        "Partner roadshow in five cities: venues, catering and 300 guests.",
    ),
]

# Commitments and expenses recorded by hand: (request key, kind, vendor, amount, reference).
SPEND = [
    ("paid-search", "commitment", "ООО «Рекламная сеть»", "300000.00", "PO-2027-014"),
    ("search-now", "commitment", "ООО «Рекламная сеть»", "450000.00", "PO-2026-087"),
    ("search-now", "expense", "ООО «Рекламная сеть»", "310000.00", "INV-2026-305"),
    ("agency", "commitment", "Agency North LLC", "300000.00", "Contract 12/26"),
    ("agency", "expense", "Agency North LLC", "150000.00", "INV-2026-311"),
    ("roadshow", "expense", "Event Hall LLC", "320000.00", "INV-2026-290"),
]


def seed(stdout) -> None:
    finance = User.objects.get(username="finance")
    this_year = timezone.localdate().year
    years = [_year(year, finance) for year in sorted({this_year, this_year + 1, SAMPLE_YEAR})]
    _categories(finance)
    allocations = _allocations(years, finance)
    requests = _funding_requests(finance)
    lines = _accounting_import(finance)
    stdout.write(
        f"  budgets: {len(years)} fiscal years, {ExpenseCategory.objects.count()} categories, "
        f"{allocations} allocations, {requests} funding requests, {lines} accounting lines"
    )


def _year(year: int, by) -> FiscalYear:
    existing = FiscalYear.objects.filter(name=f"FY{year}").first()
    if existing:
        return existing
    return services.fiscal_year_create(
        name=f"FY{year}", start_date=datetime.date(year, 1, 1), period_kind=PeriodKind.QUARTER, by=by
    )


def _categories(by) -> None:
    job = import_run(
        kind=ImportKind.CATEGORIES,
        file_name=CATEGORIES_FILE.name,
        content=CATEGORIES_FILE.read_bytes(),
        by=by,
        apply=False,
    )
    if job.counts.get("new") or job.counts.get("changed"):
        import_job_confirm(job=job, by=by)
        import_job_apply(job.pk)
    else:
        job.file.delete(save=False)
        job.delete()  # nothing to apply: keep the import log free of no-op previews


def _allocations(years, by) -> int:
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    count = 0
    for team in Team.objects.filter(name__in=ALLOCATIONS):
        for period in FiscalPeriod.objects.filter(year__in=years):
            for code, amount in ALLOCATIONS[team.name].items():
                services.allocation_set(
                    period=period, team=team, category=categories[code], amount=Decimal(amount), by=by
                )
                count += 1
    return count


def _funding_requests(finance) -> int:
    """Requests in every state, their decisions through the approvals engine, commitments and expenses.

    Needs the demo campaigns and the funding-request workflow (earlier apps' demos); without them
    there is nothing to ask money for, and this part is left out.
    """
    from approvals.choices import Outcome, SubjectKind
    from approvals.models import ApprovalRequest
    from approvals.services import active_template_for, approval_decide
    from campaigns.models import Campaign

    if active_template_for(SubjectKind.FUNDING_REQUEST) is None or not Campaign.objects.exists():
        return 0
    from budgets.selectors import proposed_period

    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    sample_period = FiscalPeriod.objects.get(year__name=f"FY{SAMPLE_YEAR}", name=f"Q1 {SAMPLE_YEAR}")
    _sample_campaigns()
    cmo = User.objects.filter(username="cmo").first()
    made = {}
    for key, code, category_code, period_key, amount, state, approved, why in REQUESTS:
        campaign = Campaign.objects.filter(code=code).exclude(status__in=["completed", "cancelled"]).first()
        if campaign is None:
            continue
        category = categories[category_code]
        # One request per campaign and category, whatever the period: seeding again never adds one.
        existing = FundingRequest.objects.filter(campaign=campaign, category=category).order_by("pk").first()
        if existing is not None:
            made[key] = existing
            continue
        period = sample_period if period_key == "sample" else proposed_period(campaign)
        if period is None:
            continue  # no fiscal period covers the campaign: nothing it could be booked in
        requester = campaign.owner
        request = services.funding_request_create(
            by=requester,
            campaign=campaign,
            category=category,
            period=period,
            amount=Decimal(amount),
            justification=why,
            expected_leads=150,
            expected_revenue=Decimal(amount) * 3,
        )
        made[key] = request
        if state == "draft":
            continue
        services.funding_request_submit(funding_request=request, by=requester)
        if state == "withdrawn":
            services.funding_request_withdraw(funding_request=request, by=requester, note="Plan changed.")
            continue
        if state == "submitted":
            continue
        approval = ApprovalRequest.objects.for_subject(request).open().get()
        if state == "rejected":
            approval_decide(request=approval, by=finance, outcome=Outcome.REJECT, note="No budget left in this line.")
            continue
        approval_decide(request=approval, by=finance, outcome=Outcome.APPROVE, note="OK.", approved_amount=approved)
        approval.refresh_from_db()
        if approval.is_open and cmo is not None:
            approval_decide(request=approval, by=cmo, outcome=Outcome.APPROVE, note="Go.")
    for key, kind, vendor, amount, reference in SPEND:
        request = made.get(key)
        if request is None:
            continue
        request.refresh_from_db()
        model = Commitment if kind == "commitment" else Expense
        if not request.is_funded or model.objects.filter(funding_request=request, reference=reference).exists():
            continue
        create = services.commitment_create if kind == "commitment" else services.expense_create
        create(
            funding_request=request,
            by=finance,
            vendor=vendor,
            amount=Decimal(amount),
            date=request.period.start_date,
            reference=reference,
        )
    _launch_funded_campaigns()
    # Lines imported before their requests existed are offered to the matcher again.
    match_actual_lines(ActualLine.objects.filter(status=ActualLineStatus.UNMAPPED).select_related("batch"))
    return FundingRequest.objects.count()


def _sample_campaigns() -> None:
    """The planned spring campaigns the sample accounting export pays for (idempotent, by code)."""
    from campaigns import services as campaign_services
    from campaigns.choices import CampaignStatus
    from campaigns.models import Campaign, Channel

    admin = User.objects.filter(username="admin").first()
    cmo = User.objects.filter(username="cmo").first()
    if admin is None:
        return
    channels = {channel.code: channel for channel in Channel.objects.all()}
    for code, name, team_name, owner, start, end, cost, channel_codes in SAMPLE_CAMPAIGNS:
        team = Team.objects.filter(name=team_name).first()
        owner_user = User.objects.filter(username=owner).first()
        if Campaign.objects.filter(code=code).exists() or team is None or owner_user is None:
            continue
        campaign = campaign_services.campaign_create(
            by=admin,
            code=code,
            name=name,
            team=team,
            owner=owner_user,
            sponsor=cmo,
            start_date=start,
            end_date=end,
            planned_cost=Decimal(cost),
            objective="Qualified leads in the spring season.",
            tags="demo",
            channels=[channels[c] for c in channel_codes if c in channels],
        )
        if cmo is not None:
            campaign_services.campaign_transition(
                campaign=campaign, to_status=CampaignStatus.PLANNED, note="Demo data", by=admin
            )


def _launch_funded_campaigns() -> None:
    """Campaigns the campaigns demo meant to be active but had to keep back until their money was approved."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from approvals.choices import Outcome
    from approvals.services import approval_decide
    from campaigns.choices import CampaignStatus
    from campaigns.demo import CAMPAIGNS, PATHS, record_kpi_actuals
    from campaigns.models import Campaign
    from campaigns.services import campaign_transition
    from mrm.exceptions import StateConflict

    admin = User.objects.filter(username="admin").first()
    cmo = User.objects.filter(username="cmo").first()
    for row in CAMPAIGNS:
        code, status = row[0], row[5]
        campaign = Campaign.objects.filter(code=code, status=CampaignStatus.PLANNED).first()
        if campaign is None or admin is None or CampaignStatus.ACTIVE not in PATHS[status]:
            continue
        for step in PATHS[status][PATHS[status].index(CampaignStatus.ACTIVE) :]:
            try:
                moved = campaign_transition(campaign=campaign, to_status=step, note="Demo data: funded", by=admin)
                launch = getattr(moved, "launch_request", None)
                if launch is not None and cmo is not None:  # a launch workflow is configured: the CMO approves
                    approval_decide(request=launch, by=cmo, outcome=Outcome.APPROVE, note="Funded: go.")
            except (StateConflict, PermissionDenied, ValidationError):
                break
    # Campaigns that went active here get their leads and revenue, as the campaigns demo gives the others.
    if admin is not None:
        record_kpi_actuals(admin)


def _accounting_import(by) -> int:
    source = ImportSource.objects.filter(name=ONE_C["name"]).first() or ImportSource(**ONE_C)
    if source.pk is None:
        services.import_source_save(source=source, by=by)
    content = ACCOUNTING_FILE.read_bytes()
    if not ImportBatch.objects.filter(source=source, applied_at__isnull=False, file_name=ACCOUNTING_FILE.name).exists():
        import_run(
            kind=ImportKind.ACTUALS,
            file_name=ACCOUNTING_FILE.name,
            content=content,
            mapping={"source": source.pk},
            by=by,
        )
    return source.lines.count()
