"""Campaign status grouped by programme (issue 18, item 7): a programme's row is its card's figures."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.rollup import programme_rollup
from reports.registry import get_report
from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_rollup import programme  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.django_db
D = Decimal


def rows_of(user, **params):
    result = get_report("campaign-status").run(user, {"group_by": "programme", **params})
    return {row["group"]: row for row in result.rows}, result


def test_finance_reads_the_programme_with_its_whole_subtree(programme, finance_user):  # noqa: F811
    rows, result = rows_of(finance_user)
    # the programme's row: its children and the grandchild, as on its card
    assert (rows["PRG · " + programme.name]["campaigns"], rows["PRG · " + programme.name]["planned_cost"]) == (
        3,
        D("1500.00"),
    )
    rollup = programme_rollup(programme=programme, user=finance_user)
    assert rows["PRG · " + programme.name]["planned_cost"] == rollup["planned_cost"]
    # the programme itself and the lone campaign are in no programme; the rows add up to the totals
    assert (rows["Not in a programme"]["campaigns"], rows["Not in a programme"]["planned_cost"]) == (2, D("6000.00"))
    assert result.totals["campaigns"] == 5 and result.totals["planned_cost"] == D("7500.00")
    assert list(rows)[-1] == "Not in a programme"


def test_a_marketer_reads_only_his_teams_campaigns_of_the_programme(programme, marketer):  # noqa: F811
    rows, _result = rows_of(marketer)
    row = rows["PRG · " + programme.name]
    assert (row["campaigns"], row["planned_cost"]) == (1, D("300.00"))
    assert row["planned_cost"] == programme_rollup(programme=programme, user=marketer)["planned_cost"]


def test_a_programme_the_reader_cannot_open_is_not_named(team, other_team, other_team_marketer):
    # given a confidential Brand programme with an Events campaign under it
    secret = CampaignFactory(team=team, confidential=True, name="Secret merger launch")
    CampaignFactory(team=other_team, parent=secret, planned_cost=D("70.00"))
    # when an Events marketer groups by programme
    rows, _result = rows_of(other_team_marketer)
    # then the campaign counts, under a row that does not name the programme
    assert rows["Programmes you cannot open"]["campaigns"] == 1
    assert not any("Secret" in label for label in rows)


def test_the_page_offers_the_grouping_and_links_the_programme(client, finance_user, programme):  # noqa: F811
    client.force_login(finance_user)
    response = client.get(reverse("reports:detail", args=["campaign-status"]), {"group_by": "programme"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="programme"' in html
    assert programme.get_absolute_url() in html


def test_the_api_groups_by_programme(api_as, finance_user, programme):  # noqa: F811
    response = api_as(finance_user).get("/api/v1/reports/campaign-status/", {"group_by": "programme"})
    assert response.status_code == 200, response.content
    groups = [row["group"] for row in response.json()["rows"]]
    assert "PRG · " + programme.name in groups


def test_grouping_by_programme_costs_the_same_queries_for_many_programmes(
    assert_constant_queries, client, finance_user, team
):
    client.force_login(finance_user)

    def make_programme():
        parent = CampaignFactory(team=team)
        CampaignFactory(team=CampaignFactory(team=team).team, parent=CampaignFactory(team=team, parent=parent))

    assert_constant_queries(
        lambda: client.get(reverse("reports:detail", args=["campaign-status"]), {"group_by": "programme"}),
        make_programme,
        rows=10,
    )


def test_roi_by_programme_adds_up_the_programmes_campaigns(programme, finance_user):  # noqa: F811
    # given revenue recorded on the Brand child
    from campaigns.choices import KPIMetric
    from tests.campaigns.factories import KPIFactory

    KPIFactory(campaign=programme.children.get(code="BR-A"), metric=KPIMetric.REVENUE, actual=D("760.00"))
    # when finance reads ROI by programme
    result = get_report("roi").run(finance_user, {"group_by": "programme"})
    rows = {row["programme"]: row for row in result.rows}
    # then the programme's row holds its three campaigns' spend, revenue and leads
    row = rows["PRG · " + programme.name]
    assert (row["cost"], row["revenue"], row["leads"]) == (D("380.00"), D("760.00"), 50)
    assert row["roi"] == D("100.0") and row["cost_per_lead"] == D("7.60")
    assert result.totals["cost"] == D("380.00")


def test_roi_by_programme_for_a_marketer_counts_his_teams_campaigns(programme, marketer):  # noqa: F811
    result = get_report("roi").run(marketer, {"group_by": "programme"})
    [row] = result.rows
    assert (row["programme"], row["cost"], row["leads"]) == ("PRG · " + programme.name, D("30.00"), 40)
