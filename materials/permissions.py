"""Who may do what with materials (PRODUCT.md §2, §5), as plain predicates.

Reading follows the campaign (``Material.objects.visible_to``); writing
(creating a material, uploading a version, submitting it) is an edit of the
campaign: marketers of the campaign's team and admins
(``campaigns.permissions.can_edit_campaign``). Deciding and commenting are
the approvals engine's rules.
"""

from __future__ import annotations

from campaigns.permissions import can_edit_campaign
from materials.choices import ReviewStatus

SUBMITTABLE = (ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN)


def can_add_material(user, campaign) -> bool:
    """Marketers add materials to their own teams' campaigns; admins to any (§2)."""
    return can_edit_campaign(user, campaign)


def can_edit_material(user, material) -> bool:
    """Uploading versions and renaming a material is an edit of its campaign."""
    return can_edit_campaign(user, material.campaign)


def can_submit_material(user, material) -> bool:
    """Its editors submit the latest version once uploaded, unless it is in review or was decided already.

    A version that was approved, rejected or sent back is done: a new version
    is uploaded (after "request changes" that upload resubmits by itself).
    """
    return (
        can_edit_material(user, material) and material.latest_version_id is not None and material.status in SUBMITTABLE
    )


def available_actions(material, user) -> dict:
    """The buttons to draw for this user on this material."""
    editable = can_edit_material(user, material)
    return {
        "upload": editable and material.status != ReviewStatus.IN_REVIEW,
        "submit": can_submit_material(user, material),
        "edit": editable,
    }


def can_add_material_anywhere(user) -> bool:
    """Whether to offer "New material" at all: marketers in a team, and admins."""
    from campaigns.permissions import can_create_campaign

    return can_create_campaign(user)
