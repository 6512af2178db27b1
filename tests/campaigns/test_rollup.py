"""Programmes: a parent campaign adds up its subtree over what its reader may see (issue 18, item 7)."""

from decimal import Decimal

import pytest

from budgets.choices import FundingRequestStatus
from campaigns.choices import CampaignStatus, KPIMetric
from campaigns.rollup import programme_rollup
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory, KPIFactory
from tests.factories import TeamFactory, UserFactory


def _funded(campaign, approved, *, committed=None, spent=None):
    request = FundingRequestFactory(
        campaign=campaign, status=FundingRequestStatus.APPROVED, amount=approved, approved_amount=approved
    )
    if committed:
        CommitmentFactory(funding_request=request, amount=committed)
    if spent:
        ExpenseFactory(funding_request=request, amount=spent)
    return request


@pytest.fixture
def programme(team, other_team, marketer):
    """A Brand programme over a Brand child (with a confidential grandchild of a third team) and an Events child.

    - ``BR-A`` (Brand, planned): planned 300, approved 200, committed 50, spent 30, leads 40 of 100;
    - ``BR-A1`` under it (North, confidential, active): planned 700, approved 600, spent 250, leads 10 of 50;
    - ``EV-B`` (Events, active): planned 500, approved 400, spent 100; a draft request of 999 that counts nowhere.
    """
    north = TeamFactory(name="Region North", slug="north")
    parent = CampaignFactory(team=team, owner=marketer, code="PRG", planned_cost=Decimal("1000.00"))
    brand_child = CampaignFactory(
        team=team, parent=parent, code="BR-A", planned_cost=Decimal("300.00"), status=CampaignStatus.PLANNED
    )
    _funded(brand_child, Decimal("200.00"), committed=Decimal("50.00"), spent=Decimal("30.00"))
    KPIFactory(campaign=brand_child, metric=KPIMetric.LEADS, target=Decimal("100"), actual=Decimal("40"))
    grandchild = CampaignFactory(
        team=north,
        parent=brand_child,
        code="BR-A1",
        confidential=True,
        planned_cost=Decimal("700.00"),
        status=CampaignStatus.ACTIVE,
    )
    _funded(grandchild, Decimal("600.00"), spent=Decimal("250.00"))
    KPIFactory(campaign=grandchild, metric=KPIMetric.LEADS, target=Decimal("50"), actual=Decimal("10"))
    events_child = CampaignFactory(
        team=other_team, parent=parent, code="EV-B", planned_cost=Decimal("500.00"), status=CampaignStatus.ACTIVE
    )
    _funded(events_child, Decimal("400.00"), spent=Decimal("100.00"))
    FundingRequestFactory(campaign=events_child, amount=Decimal("999.00"))  # a draft: not approved money
    CampaignFactory(team=team, code="ALONE", planned_cost=Decimal("5000.00"))  # in no programme
    return parent


def _money(rollup):
    return {key: rollup[key] for key in ("campaigns", "planned_cost", "approved", "committed", "spent")}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["finance_user", "leadership_user", "cmo", "admin_user"])
def test_readers_of_all_teams_get_the_whole_subtree(programme, reader, request):
    # given a reader whose scope is every team
    user = request.getfixturevalue(reader)
    # when the programme is rolled up
    rollup = programme_rollup(programme=programme, user=user)
    # then children and the confidential grandchild all count, the programme's own planned cost does not
    assert _money(rollup) == {
        "campaigns": 3,
        "planned_cost": Decimal("1500.00"),
        "approved": Decimal("1200.00"),
        "committed": Decimal("50.00"),
        "spent": Decimal("380.00"),
    }
    assert rollup["by_status"][CampaignStatus.ACTIVE] == 2
    assert rollup["by_status"][CampaignStatus.PLANNED] == 1
    assert rollup["by_status"][CampaignStatus.DRAFT] == 0
    assert set(rollup["by_status"]) == set(CampaignStatus.values)
    [leads] = rollup["kpis"]
    assert (leads["metric"], leads["target"], leads["actual"], leads["campaigns"]) == (
        KPIMetric.LEADS,
        Decimal("150.00"),
        Decimal("50.00"),
        2,
    )
    assert leads["progress"] == 33


@pytest.mark.django_db
def test_a_marketer_counts_only_the_children_of_his_teams(programme, marketer):
    # when a Brand marketer reads the programme
    rollup = programme_rollup(programme=programme, user=marketer)
    # then another team's child is hidden from the totals, and the confidential grandchild too
    assert _money(rollup) == {
        "campaigns": 1,
        "planned_cost": Decimal("300.00"),
        "approved": Decimal("200.00"),
        "committed": Decimal("50.00"),
        "spent": Decimal("30.00"),
    }
    assert rollup["by_status"][CampaignStatus.ACTIVE] == 0
    assert [(k["target"], k["actual"]) for k in rollup["kpis"]] == [(Decimal("100.00"), Decimal("40.00"))]


@pytest.mark.django_db
def test_another_teams_marketer_counts_his_own_child_only(programme, other_team_marketer):
    rollup = programme_rollup(programme=programme, user=other_team_marketer)
    assert _money(rollup) == {
        "campaigns": 1,
        "planned_cost": Decimal("500.00"),
        "approved": Decimal("400.00"),
        "committed": Decimal("0.00"),
        "spent": Decimal("100.00"),
    }
    assert rollup["by_status"][CampaignStatus.ACTIVE] == 1


@pytest.mark.django_db
def test_a_confidential_child_counts_for_its_team_even_under_another_teams_programme(programme):
    # given a member of the grandchild's team (it is confidential, and theirs)
    north_member = UserFactory(roles=["marketer"], teams=[programme.children.get(code="BR-A").children.get().team])
    # when the top programme is rolled up for them
    rollup = programme_rollup(programme=programme, user=north_member)
    # then the grandchild counts: whole subtree, within their scope
    assert (rollup["campaigns"], rollup["planned_cost"], rollup["spent"]) == (1, Decimal("700.00"), Decimal("250.00"))


@pytest.mark.django_db
def test_a_marketer_granted_a_confidential_child_of_another_team_still_counts_only_his_scope(programme, marketer):
    # given the confidential grandchild shared with the Brand marketer: he may open it
    from guardian.shortcuts import assign_perm

    grandchild = programme.children.get(code="BR-A").children.get()
    assign_perm("view_campaign", marketer, grandchild)
    # then its figures stay out of his totals: it is not his team's money (one scope, as the reports)
    assert programme_rollup(programme=programme, user=marketer)["campaigns"] == 1


@pytest.mark.django_db
def test_an_approver_in_no_team_gets_zeros(programme, approver):
    rollup = programme_rollup(programme=programme, user=approver)
    assert _money(rollup) == {
        "campaigns": 0,
        "planned_cost": Decimal("0.00"),
        "approved": Decimal("0.00"),
        "committed": Decimal("0.00"),
        "spent": Decimal("0.00"),
    }
    assert rollup["kpis"] == []


@pytest.mark.django_db
def test_a_middle_programme_rolls_up_its_own_subtree(programme, finance_user):
    middle = programme.children.get(code="BR-A")
    rollup = programme_rollup(programme=middle, user=finance_user)
    assert (rollup["campaigns"], rollup["planned_cost"], rollup["approved"]) == (
        1,
        Decimal("700.00"),
        Decimal("600.00"),
    )


@pytest.mark.django_db
def test_a_campaign_without_children_has_no_rollup(programme, finance_user):
    leaf = programme.children.get(code="EV-B")
    assert programme_rollup(programme=leaf, user=finance_user) is None


@pytest.mark.django_db
def test_the_rollup_costs_the_same_queries_for_two_children_as_for_twenty(team, finance_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(children):
        parent = CampaignFactory(team=team)
        for _ in range(children):
            child = CampaignFactory(team=team, parent=parent, planned_cost=Decimal("10.00"))
            _funded(child, Decimal("5.00"), committed=Decimal("1.00"), spent=Decimal("1.00"))
            KPIFactory(campaign=child)
            CampaignFactory(team=team, parent=child)
        with CaptureQueriesContext(connection) as queries:
            rollup = programme_rollup(programme=parent, user=finance_user)
        assert rollup["campaigns"] == children * 2
        return len(queries)

    cost(1)  # the reader's roles and teams are read once per user object
    assert cost(2) == cost(20) <= 6
