"""The campaign lifecycle (PRODUCT.md §3): every legal move works, every illegal one is refused."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.choices import CampaignStatus
from campaigns.launch import register_launch_guard, unregister_launch_guard
from campaigns.models import Campaign, CampaignTransition
from campaigns.services import campaign_transition
from mrm.exceptions import StateConflict
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

S = CampaignStatus
LEGAL = {
    (S.DRAFT, S.PLANNED),
    (S.DRAFT, S.CANCELLED),
    (S.PLANNED, S.ACTIVE),
    (S.PLANNED, S.ON_HOLD),
    (S.PLANNED, S.CANCELLED),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.ON_HOLD),
    (S.ACTIVE, S.CANCELLED),
    (S.ON_HOLD, S.CANCELLED),
}
ILLEGAL = [
    (a, b)
    for a, b in itertools.product(S.values, S.values)
    if (a, b) not in LEGAL and a != S.ON_HOLD  # on_hold depends on where it came from: tested below
]


@pytest.mark.parametrize(("from_status", "to_status"), sorted(LEGAL))
def test_every_legal_move_is_recorded(team, marketer, sponsor, from_status, to_status):
    # given a campaign in from_status
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, status=from_status)
    # when the team's marketer moves it
    campaign_transition(campaign=campaign, to_status=to_status, note="why not", by=marketer)
    # then it is there, and who/when/from/to/note is on record
    campaign.refresh_from_db()
    assert campaign.status == to_status
    move = CampaignTransition.objects.get(campaign=campaign)
    assert (move.from_status, move.to_status, move.note, move.by) == (from_status, to_status, "why not", marketer)
    assert move.at is not None


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_move_is_refused_and_changes_nothing(team, marketer, sponsor, from_status, to_status):
    # given a campaign in from_status
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, status=from_status)
    # when someone tries a move the lifecycle does not have
    with pytest.raises(StateConflict):
        campaign_transition(campaign=campaign, to_status=to_status, note="", by=marketer)
    # then nothing changed and nothing was recorded
    assert Campaign.objects.get(pk=campaign.pk).status == from_status
    assert not CampaignTransition.objects.exists()


@pytest.mark.parametrize("held_from", [S.PLANNED, S.ACTIVE])
def test_on_hold_returns_only_to_where_it_was(team, marketer, sponsor, held_from):
    # given a campaign put on hold from planned or active
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, status=held_from)
    campaign_transition(campaign=campaign, to_status=S.ON_HOLD, note="budget freeze", by=marketer)
    other = S.ACTIVE if held_from == S.PLANNED else S.PLANNED
    # when it is resumed elsewhere, it is refused
    for wrong in (other, S.DRAFT, S.COMPLETED, S.ON_HOLD):
        with pytest.raises(StateConflict):
            campaign_transition(campaign=campaign, to_status=wrong, note="", by=marketer)
    # then it goes back exactly where it was
    campaign = campaign_transition(campaign=campaign, to_status=held_from, note="back", by=marketer)
    assert campaign.status == held_from
    assert campaign.status_before_hold == ""


def test_a_sponsor_is_required_to_leave_draft(team, marketer):
    # given a draft without a sponsor
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=None)
    # when it is planned, the refusal says why
    with pytest.raises(StateConflict, match="sponsor"):
        campaign_transition(campaign=campaign, to_status=S.PLANNED, note="", by=marketer)
    assert Campaign.objects.get(pk=campaign.pk).status == S.DRAFT
    # but it can still be cancelled
    assert campaign_transition(campaign=campaign, to_status=S.CANCELLED, note="", by=marketer).status == S.CANCELLED


def test_launch_guards_can_refuse_going_active_with_their_message(planned_campaign, marketer):
    # given a guard like the one budgets registers
    def needs_funding(campaign):
        return "An approved funding request is needed." if campaign.planned_cost > 0 else None

    register_launch_guard(needs_funding)
    try:
        planned_campaign.planned_cost = 1000
        planned_campaign.save()
        # when the campaign goes active, the guard's message is the refusal
        with pytest.raises(StateConflict, match="approved funding request"):
            campaign_transition(campaign=planned_campaign, to_status=S.ACTIVE, note="", by=marketer)
        assert Campaign.objects.get(pk=planned_campaign.pk).status == S.PLANNED
        # and other moves are not its business
        campaign_transition(campaign=planned_campaign, to_status=S.ON_HOLD, note="", by=marketer)
    finally:
        unregister_launch_guard(needs_funding)


def test_marketers_of_another_team_cannot_move_it(planned_campaign, other_team_marketer):
    with pytest.raises(PermissionDenied):
        campaign_transition(campaign=planned_campaign, to_status=S.ACTIVE, note="", by=other_team_marketer)
    assert Campaign.objects.get(pk=planned_campaign.pk).status == S.PLANNED


@pytest.mark.parametrize("role_fixture", ["approver", "finance_user"])
def test_approvers_and_finance_read_but_do_not_move_campaigns(request, planned_campaign, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        campaign_transition(campaign=planned_campaign, to_status=S.ACTIVE, note="", by=user)


def test_transition_keeps_history_with_the_acting_user(planned_campaign, marketer):
    campaign_transition(campaign=planned_campaign, to_status=S.ACTIVE, note="go", by=marketer)
    latest = planned_campaign.history.first()
    assert latest.status == S.ACTIVE
    assert latest.history_user == marketer


def test_api_transition_returns_409_on_an_illegal_move(api_as, draft_campaign, marketer):
    # when a draft is asked to complete
    response = api_as(marketer).post(
        f"/api/v1/campaigns/{draft_campaign.pk}/transition/", {"status": "completed", "note": "x"}, format="json"
    )
    # then 409 with the reason, and nothing changed
    assert response.status_code == 409
    assert "draft" in response.json()["detail"]
    assert Campaign.objects.get(pk=draft_campaign.pk).status == S.DRAFT


def test_api_transition_moves_and_returns_the_campaign(api_as, draft_campaign, marketer):
    response = api_as(marketer).post(
        f"/api/v1/campaigns/{draft_campaign.pk}/transition/", {"status": "planned", "note": "ready"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "planned"
    assert "active" in response.json()["allowed_transitions"]


def test_api_transition_rejects_unknown_statuses_with_400(api_as, draft_campaign, marketer):
    response = api_as(marketer).post(
        f"/api/v1/campaigns/{draft_campaign.pk}/transition/", {"status": "launched"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_api_transition_by_another_team_is_403(api_as, planned_campaign, other_team_marketer):
    response = api_as(other_team_marketer).post(
        f"/api/v1/campaigns/{planned_campaign.pk}/transition/", {"status": "active"}, format="json"
    )
    assert response.status_code == 403
