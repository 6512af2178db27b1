"""Who may do what with campaigns (PRODUCT.md §2), as plain predicates.

Reading is decided by ``Campaign.objects.visible_to(user)``; these predicates
decide writes on an object the user can already see. ``available_actions``
tells templates and the API which buttons to draw, so no page re-implements
a rule.
"""

from __future__ import annotations

from accounts.choices import Role
from campaigns.models import Campaign


def can_create_campaign(user) -> bool:
    """Marketers in at least one team create campaigns (for their teams); admins anywhere."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_mrm_admin or (user.has_role(Role.MARKETER) and bool(user.team_ids))


def can_create_in_team(user, team_id: int | None) -> bool:
    """Marketers only create campaigns of their own teams (§2)."""
    if user.is_mrm_admin:
        return True
    return user.has_role(Role.MARKETER) and team_id in user.team_ids


def can_edit_campaign(user, campaign: Campaign) -> bool:
    """Marketers edit their own teams' campaigns, and what hangs off them; admins edit all (§2)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_mrm_admin or (user.has_role(Role.MARKETER) and campaign.team_id in user.team_ids)


def can_transition_campaign(user, campaign: Campaign) -> bool:
    """Moving a campaign through its lifecycle is an edit of the campaign."""
    return can_edit_campaign(user, campaign)


def can_share_campaign(user, campaign: Campaign) -> bool:
    """Sharing only makes sense for confidential campaigns, by those who may edit them."""
    return campaign.confidential and can_edit_campaign(user, campaign)


def can_complete_task(user, task) -> bool:
    """The assignee may tick their own task off, besides the campaign's editors."""
    return task.assignee_id == user.pk or can_edit_campaign(user, task.campaign)


def can_edit_checklist(user, task) -> bool:
    """Adding, renaming, moving and removing a task's checklist steps is an edit of the campaign."""
    return can_edit_campaign(user, task.campaign)


def can_tick_checklist(user, task) -> bool:
    """Who may tick the task off may tick its steps."""
    return can_complete_task(user, task)


def can_bulk_tasks(user) -> bool:
    """Anyone signed in may select tasks to change: each task is then checked on its own."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_delete_template(user, template) -> bool:
    """Who saved a template, its team's marketers and admins may take it out of the gallery."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_mrm_admin or template.created_by_id == user.pk:
        return True
    return user.has_role(Role.MARKETER) and template.team_id in user.team_ids


def launch_pending(campaign: Campaign) -> bool:
    """Whether a launch approval request of the campaign is open (annotated by ``with_list_data``).

    A campaign read without the annotation costs one query here, which is
    why lists, the board and the API read campaigns through ``with_list_data``.
    """
    if hasattr(campaign, "pending_launch_request"):
        return campaign.pending_launch_request is not None
    from approvals.choices import RequestStatus, SubjectKind
    from approvals.models import ApprovalRequest

    return ApprovalRequest.objects.filter(
        subject_kind=SubjectKind.CAMPAIGN_LAUNCH, object_id=campaign.pk, status=RequestStatus.IN_PROGRESS
    ).exists()


def available_actions(campaign: Campaign, user) -> dict:
    """The buttons to draw for this user on this campaign.

    ``transitions`` lists lifecycle targets only; the service still checks the
    sponsor and launch guards at the moment of the move and says why it refuses.
    While a launch approval request is open, "Launch" (``active``) is not
    offered: the approval launches the campaign, and asking again is a 409
    (``launch_pending`` tells the page to show the waiting request instead).
    """
    from campaigns.choices import CampaignStatus

    editable = can_edit_campaign(user, campaign)
    transitions = campaign.lifecycle_targets() if editable else []
    pending = launch_pending(campaign) if campaign.is_open else False
    if pending:
        transitions = [target for target in transitions if target != CampaignStatus.ACTIVE]
    return {
        "edit": editable,
        "transitions": transitions,
        "launch_pending": pending,
        "add_activity": editable,
        "add_task": editable,
        "add_kpi": editable,
        "share": can_share_campaign(user, campaign),
        "clone": can_create_campaign(user),
        "save_template": editable,
    }
