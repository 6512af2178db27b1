"""A campaign waiting for launch approval shows it and offers no "Launch" (issue 14 item 7, PRODUCT.md §5).

Before: the board and the page still offered "Launch" (then a 409) and nothing said the launch was
waiting, on which stage, for whom.
"""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from approvals.services import approval_decide
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from campaigns.permissions import available_actions
from campaigns.services import campaign_transition
from mrm.exceptions import StateConflict
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
codes = itertools.count(1)


@pytest.fixture
def launch_approvers(db):
    return [
        UserFactory(username="launch-cmo", display_name="Clara Mo", roles=["approver"]),
        UserFactory(username="launch-dir", display_name="Dmitri Director", roles=["approver"]),
    ]


@pytest.fixture
def launch_workflow(launch_approvers):
    from approvals.choices import SubjectKind

    workflow = WorkflowTemplateFactory(name="Campaign launch", subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    StageFactory(template=workflow, order=1, name="Marketing director", approvers=launch_approvers)
    return workflow


@pytest.fixture
def campaign_with_pending_launch(planned_campaign, marketer, launch_workflow):
    """Planned, no planned cost, its launch submitted and waiting at the first stage."""
    planned_campaign.planned_cost = Decimal("0")
    planned_campaign.save()
    moved = campaign_transition(campaign=planned_campaign, to_status=CampaignStatus.ACTIVE, note="Go", by=marketer)
    planned_campaign.launch_request = moved.launch_request
    return planned_campaign


def listed(campaign):
    """The campaign as lists, the board and the API read it."""
    return Campaign.objects.with_list_data().get(pk=campaign.pk)


def test_launch_is_not_offered_while_the_approval_waits(campaign_with_pending_launch, marketer):
    # when the actions are asked for, read as lists read it or on its own
    for campaign in (listed(campaign_with_pending_launch), Campaign.objects.get(pk=campaign_with_pending_launch.pk)):
        actions = available_actions(campaign, marketer)
        # then putting on hold and cancelling remain, launching does not
        assert actions["transitions"] == [CampaignStatus.ON_HOLD, CampaignStatus.CANCELLED]
        assert actions["launch_pending"] is True


def test_launch_is_offered_again_once_the_approval_is_rejected(
    campaign_with_pending_launch, marketer, launch_approvers
):
    approval_decide(
        request=campaign_with_pending_launch.launch_request, by=launch_approvers[0], outcome="reject", note="Not yet"
    )
    actions = available_actions(listed(campaign_with_pending_launch), marketer)
    assert CampaignStatus.ACTIVE in actions["transitions"] and actions["launch_pending"] is False


def test_asking_again_is_refused_naming_the_waiting_stage(campaign_with_pending_launch, marketer):
    with pytest.raises(StateConflict) as refused:
        campaign_transition(campaign=campaign_with_pending_launch, to_status=CampaignStatus.ACTIVE, by=marketer)
    request = campaign_with_pending_launch.launch_request
    assert str(refused.value) == (
        f"The launch of {campaign_with_pending_launch.code} already waits for approval (request #{request.pk}, "
        "stage “Marketing director”): the campaign goes active once it is approved."
    )


def test_the_campaign_page_shows_the_pending_approval_and_no_launch_button(
    client, campaign_with_pending_launch, marketer
):
    client.force_login(marketer)
    body = client.get(campaign_with_pending_launch.get_absolute_url()).content.decode()
    request = campaign_with_pending_launch.launch_request
    card = body.split('data-testid="launch-pending"')[1].split("</section>")[0]
    # the stage, its approvers, since when, and a link to the request
    assert "Marketing director" in card
    assert "Clara Mo" in card and "Dmitri Director" in card
    submitted = formats.date_format(timezone.localtime(request.submitted_at), "SHORT_DATETIME_FORMAT")
    assert f"{submitted} by {marketer.full_name}" in card
    assert f'href="{reverse("approvals:detail", args=[request.pk])}"' in card
    # and no "Launch", while "Put on hold" stays
    pk = campaign_with_pending_launch.pk
    assert f'data-testid="move-{pk}-active"' not in body
    assert f'data-testid="move-{pk}-on_hold"' in body


def test_a_campaign_without_a_pending_launch_shows_no_such_card(client, planned_campaign, marketer):
    client.force_login(marketer)
    body = client.get(planned_campaign.get_absolute_url()).content.decode()
    assert 'data-testid="launch-pending"' not in body
    assert f'data-testid="move-{planned_campaign.pk}-active"' in body


def test_the_board_card_says_the_launch_waits_and_offers_no_launch(client, campaign_with_pending_launch, marketer):
    client.force_login(marketer)
    body = client.get(reverse("campaigns:board")).content.decode()
    pk = campaign_with_pending_launch.pk
    card = body.split(f'data-testid="card-{pk}"')[1].split("</li>")[0]
    assert "launch awaiting approval" in card
    assert f'data-testid="move-{pk}-active"' not in card


def test_the_api_lists_no_active_transition_and_names_the_request(api_as, campaign_with_pending_launch, marketer):
    body = api_as(marketer).get(f"/api/v1/campaigns/{campaign_with_pending_launch.pk}/").json()
    assert body["allowed_transitions"] == ["on_hold", "cancelled"]
    assert body["pending_launch_request"] == campaign_with_pending_launch.launch_request.pk


def test_the_board_costs_the_same_with_1_and_20_pending_launches(
    assert_constant_queries, client, team, marketer, sponsor, launch_workflow
):
    def pending():
        campaign = CampaignFactory(
            team=team, owner=marketer, sponsor=sponsor, status=CampaignStatus.PLANNED, code=f"PL-{next(codes)}"
        )
        campaign_transition(campaign=campaign, to_status=CampaignStatus.ACTIVE, by=marketer)

    client.force_login(marketer)
    assert_constant_queries(lambda: client.get(reverse("campaigns:board")), pending, rows=20)
    assert client.get(reverse("campaigns:board")).content.decode().count("launch awaiting approval") == 20
