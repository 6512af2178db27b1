"""Demo campaigns (``manage.py seed_demo``): ~15 across teams and statuses.

Campaigns with a planned cost go active only with approved funding (the
budgets launch guard); those the guard holds back stay planned, and the seed
says so, so the demo never breaks the rule it demonstrates.

Activities spread over the current quarter, a few are public (for the
embeddable calendar), one campaign is confidential. One programme: the Brand
team's annual programme holds three of its campaigns (see ``PROGRAMMES``).
Idempotent: campaigns are found by their demo code and left alone when they exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Team, User
from approvals.services import approval_decide
from campaigns import services
from campaigns.choices import ActivityType, CampaignStatus, KPIMetric
from campaigns.models import Campaign, Channel
from mrm.exceptions import StateConflict

# code, name, team, owner, sponsor, status, start offset (days from quarter start), length, cost, channels, confidential
CAMPAIGNS = [
    (
        "DEMO-01",
        "Spring brand awareness",
        "Brand",
        "marketer",
        "cmo",
        "active",
        0,
        80,
        "1200000",
        ["social", "display"],
        False,
    ),
    (
        "DEMO-02",
        "Запуск нового продукта",
        "Brand",
        "marketer",
        "cmo",
        "planned",
        20,
        60,
        "2500000",
        ["pr", "events"],
        False,
    ),
    ("DEMO-03", "Newsletter relaunch", "Digital", "marketer", "cmo", "active", 5, 70, "0", ["email"], False),
    (
        "DEMO-04",
        "Paid search always-on",
        "Digital",
        "marketer",
        "cmo",
        "active",
        0,
        90,
        "900000",
        ["paid_search"],
        False,
    ),
    (
        "DEMO-05",
        "Webinar series: data in marketing",
        "Digital",
        "marketer",
        "cmo",
        "planned",
        30,
        50,
        "150000",
        ["content", "email"],
        False,
    ),
    ("DEMO-06", "Industry expo 2026", "Events", "events", "cmo", "planned", 35, 10, "3200000", ["events"], False),
    ("DEMO-07", "Customer day (partner-funded)", "Events", "events", "cmo", "completed", 0, 20, "0", ["events"], False),
    (
        "DEMO-08",
        "Partner roadshow",
        "Events",
        "events",
        "cmo",
        "on_hold",
        15,
        40,
        "600000",
        ["partners", "events"],
        False,
    ),
    (
        "DEMO-09",
        "Региональная выставка «Север»",
        "Регион Север",
        "north",
        "cmo",
        "planned",
        25,
        14,
        "800000",
        ["events"],
        False,
    ),
    (
        "DEMO-10",
        "Локальная реклама в Мурманске",
        "Регион Север",
        "north",
        "cmo",
        "draft",
        40,
        30,
        "300000",
        ["print"],
        False,
    ),
    (
        "DEMO-11",
        "Project Aurora (acquisition launch)",
        "Brand",
        "marketer",
        "cmo",
        "planned",
        45,
        40,
        "5000000",
        ["pr"],
        True,
    ),
    ("DEMO-12", "Social video tests", "Digital", "marketer", None, "draft", 50, 25, "120000", ["social"], False),
    ("DEMO-13", "Old catalogue print run", "Brand", "marketer", "cmo", "cancelled", 10, 20, "250000", ["print"], False),
    ("DEMO-14", "Content hub", "Digital", "marketer", "cmo", "active", 0, 88, "0", ["content", "web"], False),
    ("DEMO-15", "Годовая программа бренда", "Brand", "marketer", "cmo", "active", 0, 89, "0", ["social", "pr"], False),
    # Owned by the former employee (accounts demo), deactivated below: the orphans report shows it (§7).
    ("DEMO-16", "Партнёрская выставка", "Brand", "former", "cmo", "planned", 60, 20, "0", ["events"], False),
]

# Activities per campaign: name, type, channel, day offset from the campaign start, length, public, time
ACTIVITIES = {
    "DEMO-01": [
        ("Launch video on social", ActivityType.SOCIAL, "social", 0, 1, True, None),
        ("Display flight 1", ActivityType.PAID_MEDIA, "display", 3, 30, False, None),
    ],
    "DEMO-02": [
        ("Пресс-конференция", ActivityType.PR, "pr", 10, 1, True, (dt.time(11, 0), dt.time(12, 30))),
        ("Презентация для партнёров", ActivityType.EVENT, "events", 20, 1, False, (dt.time(15, 0), dt.time(17, 0))),
    ],
    "DEMO-03": [("Newsletter #1", ActivityType.EMAIL, "email", 7, 1, False, None)],
    "DEMO-05": [
        ("Webinar: attribution basics", ActivityType.WEBINAR, "content", 7, 1, True, (dt.time(14, 0), dt.time(15, 0))),
        (
            "Webinar: marketing mix models",
            ActivityType.WEBINAR,
            "content",
            28,
            1,
            True,
            (dt.time(14, 0), dt.time(15, 0)),
        ),
    ],
    "DEMO-06": [("Industry expo booth", ActivityType.EVENT, "events", 0, 3, True, None)],
    "DEMO-07": [("Customer day in Moscow", ActivityType.EVENT, "events", 10, 1, False, None)],
    "DEMO-09": [("Стенд на выставке в Архангельске", ActivityType.EVENT, "events", 2, 3, True, None)],
    "DEMO-11": [("Aurora embargoed briefing", ActivityType.PR, "pr", 5, 1, False, None)],
    "DEMO-14": [("Blog: 10 case studies", ActivityType.CONTENT, "content", 14, 1, False, None)],
    "DEMO-15": [("Публикация в отраслевом журнале", ActivityType.PR, "pr", 30, 1, False, None)],
}

# What active and completed campaigns achieved so far: (leads target, leads actual, revenue target,
# revenue actual). With the money the budgets demo spends, the ROI report and the campaign pages show
# ROI and cost per lead (PRODUCT.md §6). Revenue is attributed revenue in MRM_CURRENCY.
KPI_ACTUALS = {
    "DEMO-01": ("500", "420", "1500000", "1180000"),
    "DEMO-03": ("300", "265", "400000", "385000"),
    "DEMO-04": ("600", "640", "2000000", "2150000"),
    "DEMO-07": ("120", "95", "800000", "640000"),
    "DEMO-14": ("200", "180", "300000", "220000"),
    "DEMO-15": ("400", "340", "1000000", "910000"),
}

# Programmes (issue 18): a parent campaign and the demo campaigns under it. The Brand team's annual
# programme (no planned cost of its own: an umbrella) holds the spring campaign, which has approved,
# committed and spent money and ROI once the budgets demo ran, the product launch still being planned
# and the cancelled catalogue run; its page shows the "Programme totals" card, and the campaign status
# and ROI reports grouped by programme show its row.
PROGRAMMES = {"DEMO-15": ("DEMO-01", "DEMO-02", "DEMO-13")}

# The path through the lifecycle to each demo status.
PATHS = {
    CampaignStatus.DRAFT: [],
    CampaignStatus.PLANNED: [CampaignStatus.PLANNED],
    CampaignStatus.ACTIVE: [CampaignStatus.PLANNED, CampaignStatus.ACTIVE],
    CampaignStatus.ON_HOLD: [CampaignStatus.PLANNED, CampaignStatus.ON_HOLD],
    CampaignStatus.COMPLETED: [CampaignStatus.PLANNED, CampaignStatus.ACTIVE, CampaignStatus.COMPLETED],
    CampaignStatus.CANCELLED: [CampaignStatus.PLANNED, CampaignStatus.CANCELLED],
}


def seed(stdout) -> None:
    quarter_start, _quarter_end = services.quarter_bounds(timezone.localdate())
    admin = User.objects.get(username="admin")
    cmo = User.objects.get(username="cmo")
    services.channels_ensure_defaults()
    channels = {channel.code: channel for channel in Channel.objects.all()}
    created = 0
    held_back = []
    for code, name, team_name, owner, sponsor, status, offset, length, cost, channel_codes, confidential in CAMPAIGNS:
        if Campaign.objects.filter(code=code).exists():
            continue
        start = quarter_start + dt.timedelta(days=offset)
        campaign = services.campaign_create(
            by=admin,
            code=code,
            name=name,
            team=Team.objects.get(name=team_name),
            owner=User.objects.get(username=owner),
            sponsor=User.objects.get(username=sponsor) if sponsor else None,
            start_date=start,
            end_date=start + dt.timedelta(days=length),
            planned_cost=Decimal(cost),
            confidential=confidential,
            objective="Awareness and qualified leads." if name.isascii() else "Узнаваемость и лиды.",
            tags="demo",
            channels=[channels[c] for c in channel_codes if c in channels],
        )
        created += 1
        for activity_name, kind, channel, day, days, public, times in ACTIVITIES.get(code, []):
            first = start + dt.timedelta(days=day)
            services.activity_create(
                campaign=campaign,
                by=admin,
                name=activity_name,
                type=kind,
                channel=channels.get(channel),
                start_date=first,
                end_date=first + dt.timedelta(days=days - 1),
                start_time=times[0] if times else None,
                end_time=times[1] if times else None,
                owner=campaign.owner,
                public=public,
                location="Moscow" if kind == ActivityType.EVENT else "",
            )
        services.task_create(
            campaign=campaign, by=admin, title="Brief the agency", assignee=campaign.owner, due_date=start
        )
        services.kpi_create(campaign=campaign, by=admin, metric=KPIMetric.LEADS, target=Decimal("500"))
        for step in PATHS[status]:
            try:
                campaign = services.campaign_transition(campaign=campaign, to_status=step, note="Demo data", by=admin)
                if campaign.launch_request is not None:
                    # The launch workflow is configured: the CMO approves, as in real life.
                    approval_decide(
                        request=campaign.launch_request, by=cmo, outcome="approve", note="Demo: launch approved"
                    )
                    campaign.refresh_from_db()
            except StateConflict as refusal:
                held_back.append(f"{code}: {refusal}")
                break
    actuals = record_kpi_actuals(admin)
    linked = link_programmes(admin)
    # The former employee left without a handover (deactivated by a directory sync, around MRM).
    User.objects.filter(username="former").update(is_active=False)
    stdout.write(
        f"  campaigns: {created} new demo campaigns ({Campaign.objects.count()} in total), "
        f"{actuals} KPI actuals recorded, {linked} campaigns put under their programme"
    )
    for line in held_back:
        stdout.write(f"    kept back: {line}")


def link_programmes(by) -> int:
    """Put the demo campaigns under their programme (``PROGRAMMES``); how many were put there now.

    Runs on every seed, so a demo database seeded before programmes existed gets
    its programme too; a campaign that already has a parent (set in the demo by
    someone, or on an earlier seed) is left where it is.
    """
    linked = 0
    for parent_code, child_codes in PROGRAMMES.items():
        programme = Campaign.objects.filter(code=parent_code).first()
        if programme is None:
            continue
        for child in Campaign.objects.filter(code__in=child_codes, parent__isnull=True).order_by("code"):
            services.campaign_update(campaign=child, by=by, parent=programme)
            linked += 1
    return linked


def record_kpi_actuals(by) -> int:
    """Leads and revenue of the campaigns that ran (active or completed), for ROI and cost per lead.

    Idempotent, and fills a demo database seeded before actuals existed: a KPI
    is created when missing and its actual written only while it is empty, so
    a value someone entered in the demo is kept.
    """
    from campaigns.models import KPI

    recorded = 0
    campaigns = Campaign.objects.filter(
        code__in=KPI_ACTUALS, status__in=[CampaignStatus.ACTIVE, CampaignStatus.COMPLETED]
    )
    for campaign in campaigns:
        leads_target, leads_actual, revenue_target, revenue_actual = KPI_ACTUALS[campaign.code]
        for metric, target, actual in (
            (KPIMetric.LEADS, leads_target, leads_actual),
            (KPIMetric.REVENUE, revenue_target, revenue_actual),
        ):
            kpi = KPI.objects.filter(campaign=campaign, metric=metric, custom_name="").first()
            if kpi is None:
                services.kpi_create(
                    campaign=campaign, by=by, metric=metric, target=Decimal(target), actual=Decimal(actual)
                )
                recorded += 1
            elif kpi.actual is None:
                services.kpi_update(kpi=kpi, by=by, actual=Decimal(actual), target=kpi.target or Decimal(target))
                recorded += 1
    return recorded
