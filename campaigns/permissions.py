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


def available_actions(campaign: Campaign, user) -> dict:
    """The buttons to draw for this user on this campaign.

    ``transitions`` lists lifecycle targets only; the service still checks the
    sponsor and launch guards at the moment of the move and says why it refuses.
    """
    editable = can_edit_campaign(user, campaign)
    return {
        "edit": editable,
        "transitions": campaign.lifecycle_targets() if editable else [],
        "add_activity": editable,
        "add_task": editable,
        "add_kpi": editable,
        "share": can_share_campaign(user, campaign),
    }
