"""Report figures against the hand-computed world of tests/reports/conftest.py, and their scoping (§2)."""

from decimal import Decimal

import pytest

from reports.registry import ReportParamsInvalid, get_report

pytestmark = pytest.mark.django_db
D = Decimal


def run(slug, user, **params):
    return get_report(slug).run(user, params)


def by(rows, key):
    return {row[key]: row for row in rows}


def test_budget_vs_actual_by_team_matches_the_hand_computed_figures(money_world, finance_user):
    # when finance reads budget vs actual by team
    result = run("budget-vs-actual", finance_user, group_by="team")
    rows = by(result.rows, "team")
    # then Brand: allocated 150 000, requested 60 000 + 15 000, approved 50 000, committed 40 000, actual 30 000
    assert rows["Brand"]["allocated"] == D("150000.00")
    assert rows["Brand"]["requested"] == D("75000.00")
    assert rows["Brand"]["approved"] == D("50000.00")
    assert rows["Brand"]["committed"] == D("40000.00")
    assert rows["Brand"]["actual"] == D("30000.00")
    assert rows["Brand"]["remaining"] == D("100000.00")
    assert rows["Brand"]["variance"] == D("120000.00")
    assert rows["Brand"]["utilisation"] == D("20.0")
    # and Events: 80 000 allocated, 35 000 actual = 43.75 % → 43.8
    assert rows["Events"]["allocated"] == D("80000.00")
    assert rows["Events"]["actual"] == D("35000.00")
    assert rows["Events"]["utilisation"] == D("43.8")
    # and the totals are summed by the database
    assert result.totals["allocated"] == D("230000.00")
    assert result.totals["requested"] == D("145000.00")
    assert result.totals["approved"] == D("120000.00")
    assert result.totals["actual"] == D("65000.00")
    assert result.totals["variance"] == D("165000.00")


def test_budget_vs_actual_by_cell_and_filtered_by_category(money_world, finance_user, sea):
    result = run("budget-vs-actual", finance_user, group_by="cell", category=str(sea.pk))
    assert [(r["period"], r["team"], r["actual"]) for r in result.rows] == [
        ("Q1 2027", "Brand", D("30000.00")),
        ("Q1 2027", "Events", D("35000.00")),
    ]
    assert result.totals["allocated"] == D("180000.00")
    assert ("Expense category", "MKT-SEA · Paid search") in result.filters


def test_roi_by_campaign_matches_the_hand_computed_figures(money_world, finance_user):
    result = run("roi", finance_user)
    rows = by(result.rows, "campaign")
    spring = rows["SPRING · Spring launch"]
    # ROI = (90 000 − 30 000) / 30 000 = 200 %; cost per lead = 30 000 / 30 = 1 000
    assert spring["cost"] == D("30000.00")
    assert spring["revenue"] == D("90000.00")
    assert spring["roi"] == D("200.0")
    assert spring["cost_per_lead"] == D("1000.00")
    expo = rows["EXPO · Secret expo"]
    assert expo["roi"] == D("0.0")
    assert expo["cost_per_lead"] == D("3500.00")
    # a campaign without actual cost has no ROI (not a division by zero)
    assert rows["AUTUMN · Autumn"]["roi"] is None
    # totals: (125 000 − 65 000) / 65 000 = 92.3 %; 65 000 / 40 leads = 1 625
    assert result.totals["cost"] == D("65000.00")
    assert result.totals["roi"] == D("92.3")
    assert result.totals["cost_per_lead"] == D("1625.00")


def test_roi_by_channel_splits_a_campaign_equally_between_its_channels(money_world, finance_user):
    result = run("roi", finance_user, group_by="channel")
    rows = by(result.rows, "channel")
    assert rows["E-mail"]["cost"] == D("15000.00")
    assert rows["Social media"]["revenue"] == D("45000.00")
    assert rows["Social media"]["leads"] == 15
    assert rows["Events"]["cost"] == D("35000.00")
    assert rows["E-mail"]["roi"] == D("200.0")
    assert sum(r["cost"] for r in result.rows) == result.totals["cost"]


def test_cost_structure_shares_add_up_to_the_total(money_world, finance_user):
    result = run("cost-structure", finance_user)
    assert result.totals["actual"] == D("65000.00")
    shares = {(r["category"], r["channel"]): r["share"] for r in result.rows}
    # 15 000 of 65 000 = 23.1 % on each of SPRING's channels, 35 000 = 53.8 % for EXPO's
    assert shares[("MKT-SEA · Paid search", "E-mail")] == D("23.1")
    assert shares[("MKT-SEA · Paid search", "Events")] == D("53.8")
    assert sum(r["actual"] for r in result.rows) == D("65000.00")
    assert result.chart.labels == ["Q1 2027"]


def test_campaign_status_counts_and_sums_planned_cost(money_world, finance_user):
    result = run("campaign-status", finance_user)
    rows = by(result.rows, "group")
    assert rows["Active"]["campaigns"] == 2
    assert rows["Active"]["planned_cost"] == D("130000.00")
    assert rows["Draft"]["campaigns"] == 1
    assert result.totals["campaigns"] == 3
    assert result.totals["planned_cost"] == D("135000.00")


def test_approval_cycle_times_and_sla_breaches_per_stage(stage_history, admin_user):
    result = run("approval-cycle-times", admin_user)
    [row] = result.rows
    assert (row["workflow"], row["stage"]) == ("Materials", "Brand review")
    assert row["decided"] == 2
    assert row["avg_days"] == D("2.0")
    assert row["max_days"] == D("3.0")
    assert row["late"] == 1
    assert row["open"] == 1
    assert row["open_overdue"] == 1
    assert row["breach_rate"] == D("66.7")
    assert result.totals["decided"] == 2


def test_approval_cycle_times_only_count_requests_the_reader_may_see(stage_history, other_team_marketer):
    result = run("approval-cycle-times", other_team_marketer)
    assert result.rows == []


# --- scoping (PRODUCT.md §2) ---------------------------------------------------------------


def test_a_marketers_reports_exclude_other_teams_confidential_campaigns(money_world, marketer):
    # when Brand's marketer reads campaign status, ROI and budget vs actual
    status = run("campaign-status", marketer, group_by="team")
    roi = run("roi", marketer)
    budget = run("budget-vs-actual", marketer, group_by="team")
    # then Events' confidential EXPO is nowhere: not counted, not costed
    assert [r["group"] for r in status.rows] == ["Brand"]
    assert status.totals["campaigns"] == 2
    assert "EXPO · Secret expo" not in {r["campaign"] for r in roi.rows}
    assert roi.totals["cost"] == D("30000.00")
    assert [r["team"] for r in budget.rows] == ["Brand"]
    assert budget.totals["actual"] == D("30000.00")


def test_the_other_team_sees_its_own_confidential_campaign(money_world, other_team_marketer):
    roi = run("roi", other_team_marketer)
    assert {r["campaign"] for r in roi.rows} == {"EXPO · Secret expo"}


def test_spend_without_a_request_is_for_finance_only(marketer, finance_user):
    report = get_report("spend-without-request")
    assert report.available_to(finance_user)
    assert not report.available_to(marketer)


def test_a_bad_filter_is_a_field_error_not_a_crash(finance_user):
    with pytest.raises(ReportParamsInvalid) as refused:
        run("budget-vs-actual", finance_user, team="999999", group_by="nonsense")
    assert set(refused.value.field_errors) == {"team", "group_by"}


def test_a_team_filter_of_a_team_the_reader_cannot_pick_is_refused(money_world, finance_user):
    with pytest.raises(ReportParamsInvalid):
        run("campaign-status", finance_user, date_from="2027-02-01", date_to="2027-01-01")
