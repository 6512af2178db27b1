"""Sections other apps add to the campaign page (campaigns.panels)."""

import pytest

from campaigns.panels import CampaignPanel, campaign_panels, register_campaign_panel

pytestmark = pytest.mark.django_db


def test_budgets_registers_the_money_panel(planned_campaign):
    panels = campaign_panels(planned_campaign)
    assert {"title": "Money", "url": f"/budgets/campaigns/{planned_campaign.pk}/money/"} in panels


def test_registering_twice_adds_one_panel(planned_campaign):
    panel = CampaignPanel("budgets:campaign_money", "Money", order=10)
    before = len(campaign_panels(planned_campaign))
    register_campaign_panel(panel)
    assert len(campaign_panels(planned_campaign)) == before


def test_campaign_page_loads_each_panel_with_htmx(client, marketer, planned_campaign):
    client.force_login(marketer)
    body = client.get(planned_campaign.get_absolute_url()).content.decode()
    url = f"/budgets/campaigns/{planned_campaign.pk}/money/"
    assert f'hx-get="{url}"' in body
    assert f'href="{url}"' in body  # reachable without JavaScript too


def test_the_money_panel_answers_for_a_visible_campaign(client, marketer, planned_campaign):
    client.force_login(marketer)
    response = client.get(f"/budgets/campaigns/{planned_campaign.pk}/money/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="campaign-money"' in response.content.decode()


def test_the_money_panel_hides_another_teams_confidential_campaign(client, marketer, other_team_confidential_campaign):
    client.force_login(marketer)
    response = client.get(f"/budgets/campaigns/{other_team_confidential_campaign.pk}/money/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
