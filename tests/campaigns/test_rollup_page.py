"""The programme card on a parent campaign's page (issue 18, item 7)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_rollup import _funded, programme  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.django_db


def _card(client, user, campaign):
    client.force_login(user)
    response = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_finance_sees_the_programme_totals(client, finance_user, programme):  # noqa: F811
    html = _card(client, finance_user, programme)
    assert 'data-testid="programme-rollup"' in html
    assert "3 campaigns under this programme" in html
    assert "Figures of: All teams" in html
    assert "1,500.00" in html or "1 500,00" in html or "1500.00" in html


def test_a_marketer_sees_only_his_teams_figures_on_the_card(client, marketer, programme):  # noqa: F811
    html = _card(client, marketer, programme)
    assert "1 campaign under this programme" in html
    assert "Figures of: Team: Brand" in html
    assert 'data-testid="rollup-spent">₽30.00' in html or "30.00" in html
    assert "380.00" not in html and "1,200.00" not in html


def test_in_russian_the_card_is_translated(client, marketer, programme):  # noqa: F811
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    html = _card(client, marketer, programme)
    assert "Итоги программы" in html


def test_a_campaign_without_children_has_no_card(client, marketer, team):
    html = _card(client, marketer, CampaignFactory(team=team))
    assert 'data-testid="programme-rollup"' not in html


def test_the_page_costs_the_same_queries_whatever_the_programme_holds(
    assert_constant_queries, client, finance_user, team
):
    parent = CampaignFactory(team=team)
    client.force_login(finance_user)

    def make_child():
        child = CampaignFactory(team=team, parent=parent, planned_cost=Decimal("1.00"))
        _funded(child, Decimal("1.00"), spent=Decimal("1.00"))

    assert_constant_queries(lambda: client.get(reverse("campaigns:detail", args=[parent.pk])), make_child, rows=10)
