"""Demo data: ~15 campaigns across teams and statuses, safe to seed twice."""

import io

import pytest

from accounts import demo as accounts_demo
from campaigns import demo
from campaigns.choices import CampaignStatus
from campaigns.models import Activity, Campaign

pytestmark = pytest.mark.django_db


def test_demo_seeds_campaigns_across_teams_and_statuses_and_is_idempotent():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Campaign.objects.count() == 16  # 15 + the former employee's orphaned DEMO-16 (§7)
    assert Campaign.objects.values("team").distinct().count() == 4
    assert set(Campaign.objects.values_list("status", flat=True)) == set(CampaignStatus.values)
    assert Campaign.objects.filter(confidential=True).count() == 1
    assert Activity.objects.public().exists()
    assert Campaign.objects.filter(name__regex=r"[А-Яа-я]").exists()
    demo.seed(io.StringIO())
    assert Campaign.objects.count() == 16  # 15 + the former employee's orphaned DEMO-16 (§7)


def test_the_whole_demo_gives_roi_and_cost_per_lead_and_stays_the_same_when_seeded_again():
    # given the whole demo (every app, in floor order), seeded twice
    from decimal import Decimal

    from django.core.management import call_command

    from accounts.models import User
    from campaigns.models import KPI
    from reports.registry import get_report

    call_command("seed_demo", stdout=io.StringIO())
    kpis = sorted(KPI.objects.values_list("campaign__code", "metric", "target", "actual"))
    call_command("seed_demo", stdout=io.StringIO())
    assert sorted(KPI.objects.values_list("campaign__code", "metric", "target", "actual")) == kpis
    # then campaigns that ran have leads and revenue actuals
    ran = Campaign.objects.filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.COMPLETED], code__startswith="DEMO")
    assert ran.exists()
    for campaign in ran:
        actuals = dict(KPI.objects.filter(campaign=campaign).values_list("metric", "actual"))
        assert actuals.get("leads") and actuals.get("revenue"), campaign.code
    # and the ROI report shows ROI and cost per lead for the campaigns with spend, and in total
    result = get_report("roi").run(User.objects.get(username="finance"), {})
    with_roi = [row for row in result.rows if row["roi"] is not None and row["cost_per_lead"] is not None]
    assert {row["campaign"].split(" · ")[0] for row in with_roi} >= {"DEMO-01", "DEMO-04"}
    demo_04 = next(row for row in with_roi if row["campaign"].startswith("DEMO-04"))
    # DEMO-04: 310 000 spent, 2 150 000 revenue, 640 leads
    assert (demo_04["cost"], demo_04["revenue"], demo_04["leads"]) == (
        Decimal("310000.00"),
        Decimal("2150000.00"),
        640,
    )
    assert demo_04["cost_per_lead"] == Decimal("484.38")
    assert result.totals["roi"] is not None and result.totals["cost_per_lead"] is not None


def test_the_demo_has_a_programme_with_money_on_its_card_and_in_the_reports_grouped_by_programme():
    from decimal import Decimal

    from django.core.management import call_command

    from accounts.models import User
    from campaigns.rollup import programme_rollup
    from reports.registry import get_report

    # given the whole demo, seeded twice
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    # then the Brand team's annual programme holds three of its campaigns, once
    programme = Campaign.objects.get(code="DEMO-15")
    assert sorted(programme.children.values_list("code", flat=True)) == ["DEMO-01", "DEMO-02", "DEMO-13"]
    assert Campaign.objects.filter(parent__isnull=False).count() == 3
    # and its card adds up real money: the spring campaign's approved, committed and spent, and the plan
    finance = User.objects.get(username="finance")
    rollup = programme_rollup(programme=programme, user=finance)
    assert rollup["campaigns"] == 3
    assert rollup["planned_cost"] == Decimal("3950000.00")  # 1 200 000 + 2 500 000 + 250 000
    assert (rollup["approved"], rollup["committed"], rollup["spent"]) == (
        Decimal("300000.00"),
        Decimal("300000.00"),
        Decimal("150000.00"),
    )
    assert {status for status, count in rollup["by_status"].items() if count} == {"active", "planned", "cancelled"}
    # and the reports grouped by programme give it a row with the same figures, and an ROI
    label = str(programme)
    status_rows = {r["group"]: r for r in get_report("campaign-status").run(finance, {"group_by": "programme"}).rows}
    assert (status_rows[label]["campaigns"], status_rows[label]["planned_cost"]) == (3, rollup["planned_cost"])
    roi_rows = {r["programme"]: r for r in get_report("roi").run(finance, {"group_by": "programme"}).rows}
    assert roi_rows[label]["cost"] == Decimal("150000.00") and roi_rows[label]["roi"] is not None


def test_seeding_again_puts_a_campaign_under_its_programme_only_while_it_has_no_parent():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    # someone moved the catalogue run to another programme, in the demo
    Campaign.objects.filter(code="DEMO-13").update(parent=Campaign.objects.get(code="DEMO-14"))
    # and an older demo database has the spring campaign in none
    Campaign.objects.filter(code="DEMO-01").update(parent=None)
    demo.seed(io.StringIO())
    parents = dict(Campaign.objects.filter(parent__isnull=False).values_list("code", "parent__code"))
    assert parents == {"DEMO-01": "DEMO-15", "DEMO-02": "DEMO-15", "DEMO-13": "DEMO-14"}
