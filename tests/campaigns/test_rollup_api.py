"""The campaign's ``rollup`` in the API (issue 18, item 7): on the detail, over what the caller may see."""

from decimal import Decimal

import pytest

from campaigns.choices import CampaignStatus
from tests.campaigns.factories import CampaignFactory, KPIFactory
from tests.campaigns.test_rollup import _funded, programme  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.django_db


def test_finance_reads_the_whole_subtree_as_decimal_strings(api_as, finance_user, programme):  # noqa: F811
    # when finance reads the programme
    response = api_as(finance_user).get(f"/api/v1/campaigns/{programme.pk}/")
    # then its rollup adds up children and grandchildren, money as decimal strings
    assert response.status_code == 200
    rollup = response.json()["rollup"]
    assert {k: rollup[k] for k in ("planned_cost", "approved", "committed", "spent")} == {
        "planned_cost": "1500.00",
        "approved": "1200.00",
        "committed": "50.00",
        "spent": "380.00",
    }
    assert rollup["campaigns"] == 3
    assert rollup["by_status"]["active"] == 2 and rollup["by_status"]["planned"] == 1
    assert rollup["by_status"]["draft"] == 0
    assert rollup["kpis"][0]["metric"] == "leads" and rollup["kpis"][0]["target"] == "150.00"


def test_a_marketer_reads_only_his_teams_children_in_the_totals(api_as, marketer, programme):  # noqa: F811
    rollup = api_as(marketer).get(f"/api/v1/campaigns/{programme.pk}/").json()["rollup"]
    assert (rollup["campaigns"], rollup["planned_cost"], rollup["approved"], rollup["spent"]) == (
        1,
        "300.00",
        "200.00",
        "30.00",
    )
    assert rollup["by_status"]["active"] == 0  # the other team's active child is not counted


def test_the_keys_are_exactly_those_of_the_contract(api_as, finance_user, programme):  # noqa: F811
    rollup = api_as(finance_user).get(f"/api/v1/campaigns/{programme.pk}/").json()["rollup"]
    assert set(rollup) == {"campaigns", "planned_cost", "approved", "committed", "spent", "by_status", "kpis"}


def test_a_campaign_without_children_has_a_null_rollup(api_as, marketer, team):
    campaign = CampaignFactory(team=team)
    assert api_as(marketer).get(f"/api/v1/campaigns/{campaign.pk}/").json()["rollup"] is None


def test_a_programme_the_caller_cannot_read_is_a_404(api_as, other_team_marketer, team):
    hidden = CampaignFactory(team=team, confidential=True)
    CampaignFactory(team=team, parent=hidden, planned_cost=Decimal("10.00"))
    assert api_as(other_team_marketer).get(f"/api/v1/campaigns/{hidden.pk}/").status_code == 404


def test_the_list_has_no_rollup(api_as, finance_user, programme):  # noqa: F811
    rows = api_as(finance_user).get("/api/v1/campaigns/?page_size=100").json()["results"]
    assert rows and all("rollup" not in row for row in rows)


def test_the_detail_costs_the_same_queries_whatever_the_programme_holds(
    assert_constant_queries, api_as, finance_user, team
):
    # given a programme, one more funded child with a KPI and a grandchild each time
    parent = CampaignFactory(team=team)
    client = api_as(finance_user)

    def make_child():
        child = CampaignFactory(team=team, parent=parent, status=CampaignStatus.PLANNED, planned_cost=Decimal("1"))
        _funded(child, Decimal("1.00"), committed=Decimal("1.00"), spent=Decimal("1.00"))
        KPIFactory(campaign=child)
        CampaignFactory(team=team, parent=child)

    # then 1 child and 20 cost the same queries
    assert_constant_queries(lambda: client.get(f"/api/v1/campaigns/{parent.pk}/"), make_child, rows=20)
    assert client.get(f"/api/v1/campaigns/{parent.pk}/").json()["rollup"]["campaigns"] == 40


def test_the_schema_describes_rollup(api_as, admin_user):
    schema = api_as(admin_user).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    detail = components["CampaignDetail"]["properties"]
    assert "rollup" in detail
    rollup = components["Rollup"]["properties"]
    assert {"planned_cost", "approved", "committed", "spent", "by_status"} <= set(rollup)
    get = schema["paths"]["/api/v1/campaigns/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert get["schema"]["$ref"].endswith("/CampaignDetail")
