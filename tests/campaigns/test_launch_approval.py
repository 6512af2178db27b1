"""Campaign launch approval (issue 5 item 11, PRODUCT.md §5) and approvers' view of confidential campaigns (§2)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals.choices import RequestStatus, SubjectKind
from approvals.models import ApprovalRequest
from approvals.services import approval_decide
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignTransition
from campaigns.services import campaign_transition
from mrm.exceptions import StateConflict
from mrm.messages import render_note
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def launch_approver(db):
    return UserFactory(username="launch-cmo", roles=["approver"])


@pytest.fixture
def launch_workflow(launch_approver):
    workflow = WorkflowTemplateFactory(name="Campaign launch", subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    StageFactory(template=workflow, order=1, name="CMO", approvers=[launch_approver])
    return workflow


@pytest.fixture
def free_campaign(planned_campaign):
    """Planned, with a sponsor and no planned cost (so no funding guard applies)."""
    planned_campaign.planned_cost = Decimal("0")
    planned_campaign.save()
    return planned_campaign


def test_without_a_launch_workflow_going_active_is_immediate(free_campaign, marketer):
    moved = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer)
    assert moved.status == CampaignStatus.ACTIVE
    assert moved.launch_request is None


def test_with_a_launch_workflow_going_active_opens_a_request(free_campaign, marketer, launch_workflow):
    # when
    moved = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, note="Go!", by=marketer)
    # then: the campaign waits, the request is open for the launch approvers
    assert moved.status == CampaignStatus.PLANNED
    request = moved.launch_request
    assert request.subject_kind == SubjectKind.CAMPAIGN_LAUNCH
    assert request.object_id == free_campaign.pk
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.reason == "Go!"
    assert Campaign.objects.get(pk=free_campaign.pk).status == CampaignStatus.PLANNED
    assert not CampaignTransition.objects.filter(campaign=free_campaign, to_status=CampaignStatus.ACTIVE).exists()


def test_a_second_launch_request_is_a_conflict(free_campaign, marketer, launch_workflow):
    campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer)
    with pytest.raises(StateConflict):
        campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer)
    assert ApprovalRequest.objects.filter(object_id=free_campaign.pk).count() == 1


def test_approval_launches_the_campaign(free_campaign, marketer, launch_workflow, launch_approver):
    request = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer).launch_request
    # when
    approval_decide(request=request, by=launch_approver, outcome="approve", note="Looks ready")
    # then
    campaign = Campaign.objects.get(pk=free_campaign.pk)
    assert campaign.status == CampaignStatus.ACTIVE
    transition = CampaignTransition.objects.get(campaign=campaign, to_status=CampaignStatus.ACTIVE)
    assert transition.by == marketer
    with translation.override("en"):
        assert render_note(transition.note) == f"Launch approved (approval request #{request.pk})."
    with translation.override("ru"):
        assert render_note(transition.note) == f"Запуск согласован (заявка на согласование №{request.pk})."


def test_rejection_keeps_the_campaign_planned(free_campaign, marketer, launch_workflow, launch_approver):
    request = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer).launch_request
    approval_decide(request=request, by=launch_approver, outcome="reject", note="Not this quarter")
    assert Campaign.objects.get(pk=free_campaign.pk).status == CampaignStatus.PLANNED


def test_approval_after_cancellation_moves_nothing(free_campaign, marketer, launch_workflow, launch_approver):
    request = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer).launch_request
    campaign_transition(campaign=free_campaign, to_status=CampaignStatus.CANCELLED, by=marketer)
    approval_decide(request=request, by=launch_approver, outcome="approve")
    assert Campaign.objects.get(pk=free_campaign.pk).status == CampaignStatus.CANCELLED


def test_the_only_launch_approver_cannot_launch_their_own_campaign(
    free_campaign, launch_workflow, launch_approver, team
):
    # given: the sole launch approver is also an editor of the campaign
    launch_approver.teams.add(team)
    launch_approver.groups.add(Group.objects.get(name="marketer"))
    fresh = type(launch_approver).objects.get(pk=launch_approver.pk)
    # when / then: segregation of duties leaves nobody to approve, so nothing opens or moves
    with pytest.raises(ValidationError, match="names no approver other than the submitter"):
        campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=fresh)
    assert not ApprovalRequest.objects.filter(object_id=free_campaign.pk).exists()
    assert Campaign.objects.get(pk=free_campaign.pk).status == CampaignStatus.PLANNED


def test_api_answers_202_with_the_request(api_as, free_campaign, marketer, launch_workflow):
    response = api_as(marketer).post(
        f"/api/v1/campaigns/{free_campaign.pk}/transition/", {"status": "active", "note": "Launch"}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["approval_request"] == ApprovalRequest.objects.get(object_id=free_campaign.pk).pk
    assert body["detail"] == "Launch approval requested."
    again = api_as(marketer).post(
        f"/api/v1/campaigns/{free_campaign.pk}/transition/", {"status": "active"}, format="json"
    )
    assert again.status_code == 409


def test_page_says_the_launch_waits_for_approval(client, free_campaign, marketer, launch_workflow):
    client.force_login(marketer)
    response = client.post(f"/campaigns/{free_campaign.pk}/transition/", {"status": "active", "note": ""}, follow=True)
    assert "Launch approval for BR-002 was requested" in response.content.decode()


def test_approvers_of_an_open_launch_request_see_the_confidential_campaign(
    other_team_confidential_campaign, other_team_marketer, launch_workflow, launch_approver
):
    campaign = other_team_confidential_campaign
    campaign.planned_cost = Decimal("0")
    campaign.save()
    # given: before the request, the approver does not see the secret campaign
    assert not Campaign.objects.visible_to(launch_approver).filter(pk=campaign.pk).exists()
    # when
    request = campaign_transition(
        campaign=campaign, to_status=CampaignStatus.ACTIVE, by=other_team_marketer
    ).launch_request
    # then
    assert Campaign.objects.visible_to(launch_approver).filter(pk=campaign.pk).exists()
    assert ApprovalRequest.objects.visible_to(launch_approver).filter(pk=request.pk).exists()
    # and once decided, the access ends with the open request
    approval_decide(request=request, by=launch_approver, outcome="reject", note="No")
    fresh = type(launch_approver).objects.get(pk=launch_approver.pk)
    assert not Campaign.objects.visible_to(fresh).filter(pk=campaign.pk).exists()


def test_a_stand_in_of_the_launch_approver_sees_the_confidential_campaign_while_standing_in(
    other_team_confidential_campaign, other_team_marketer, launch_workflow, launch_approver
):
    import datetime as dt

    from approvals.services import delegation_create

    campaign = other_team_confidential_campaign
    campaign.planned_cost = Decimal("0")
    campaign.save()
    deputy = UserFactory(username="deputy", roles=["approver"])
    campaign_transition(campaign=campaign, to_status=CampaignStatus.ACTIVE, by=other_team_marketer)
    # given: the deputy stands in for no one yet
    assert not Campaign.objects.visible_to(deputy).filter(pk=campaign.pk).exists()
    # when the launch approver hands over for a few days
    today = dt.date.today()
    delegation_create(by=launch_approver, stand_in=deputy, starts_on=today, ends_on=today + dt.timedelta(days=3))
    # then the deputy sees what the approver sees (the approver and whom one stands in for: one set, §2)
    fresh = type(deputy).objects.get(pk=deputy.pk)
    assert Campaign.objects.visible_to(fresh).filter(pk=campaign.pk).exists()
    assert Campaign.objects.visible_to(launch_approver).filter(pk=campaign.pk).exists()


def test_a_launch_guard_objecting_at_approval_time_refuses_the_approval_with_its_reason(
    free_campaign, marketer, launch_workflow, launch_approver
):
    from campaigns.launch import register_launch_guard, unregister_launch_guard

    # given a launch request opened while nothing objected
    request = campaign_transition(campaign=free_campaign, to_status=CampaignStatus.ACTIVE, by=marketer).launch_request

    # and a guard that objects by the time the approver decides (e.g. the funding was withdrawn)
    def money_gone(campaign):
        return "An approved funding request is needed."

    register_launch_guard(money_gone)
    try:
        # when the approver approves, the guards are asked again and the refusal says why
        with pytest.raises(StateConflict, match="approved funding request"):
            approval_decide(request=request, by=launch_approver, outcome="approve")
    finally:
        unregister_launch_guard(money_gone)
    # then nothing moved: the request still waits, the campaign is still planned
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert not request.decisions.exists()
    assert Campaign.objects.get(pk=free_campaign.pk).status == CampaignStatus.PLANNED
