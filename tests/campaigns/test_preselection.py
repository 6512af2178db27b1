"""A user's only team is preselected on the forms that ask for a team (issue 14 item 7).

Before: the campaign form set the field's own initial value, which a ModelForm hides behind the empty
instance's ``team: None``, so nobody got a team (nor themselves as owner) preselected.
"""

import re

import pytest
from django.urls import reverse

from campaigns.forms import CampaignForm
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def selected(body: str, name: str) -> list[str]:
    select = body.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_marketer_of_one_team_gets_it_and_themselves_preselected(client, marketer, team, other_team):
    client.force_login(marketer)
    body = client.get(reverse("campaigns:create")).content.decode()
    assert selected(body, "team") == [str(team.pk)]
    assert selected(body, "owner") == [str(marketer.pk)]


def test_a_marketer_of_two_teams_chooses(client, team, other_team):
    both = UserFactory(username="both", roles=["marketer"], teams=[team, other_team])
    client.force_login(both)
    body = client.get(reverse("campaigns:create")).content.decode()
    assert selected(body, "team") == [""]
    assert selected(body, "owner") == [str(both.pk)]


def test_an_admin_in_one_team_gets_it_preselected_among_all(team, other_team):
    admin = UserFactory(username="admin-brand", roles=["admin"], teams=[other_team])
    form = CampaignForm(user=admin)
    assert form["team"].value() == other_team.pk
    assert set(form.fields["team"].queryset) == {team, other_team}


def test_an_admin_of_no_team_chooses(admin_user, team):
    assert CampaignForm(user=admin_user)["team"].value() is None


def test_only_the_active_one_of_the_users_teams_counts(team):
    closed = TeamFactory(name="Closed", slug="closed", is_active=False)
    user = UserFactory(username="two-teams", roles=["marketer"], teams=[team, closed])
    assert CampaignForm(user=user)["team"].value() == team.pk


def test_a_value_given_by_the_caller_and_posted_data_win(marketer, team, other_team):
    assert CampaignForm(user=marketer, initial={"team": other_team.pk})["team"].value() == other_team.pk
    assert CampaignForm({"team": ""}, user=marketer)["team"].value() == ""


def test_editing_keeps_the_campaigns_own_team(marketer, team, other_team):
    from tests.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(team=other_team)
    assert CampaignForm(instance=campaign, user=marketer)["team"].value() == other_team.pk
