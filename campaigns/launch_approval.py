"""Campaign launch approval (PRODUCT.md §5): where admins configure a
campaign-launch workflow, going ``active`` becomes an approval request.

The campaign stays where it is while the request runs; the approval itself
moves it to ``active`` (``on_approved``), re-checking the launch guards. This
module is also where campaigns widen confidential visibility to the
approvers of a campaign's open launch request (PRODUCT.md §2).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from approvals.choices import SubjectKind
from approvals.models import ApprovalRequest
from approvals.registry import SubjectHandler, SubjectInfo, register_subject_handler
from approvals.services import active_template_for, approval_submit
from campaigns.choices import CampaignStatus
from campaigns.messages import NOTE_LAUNCH_APPROVED
from campaigns.querysets import register_confidential_access
from mrm.messages import note


def launch_approval_required() -> bool:
    """A launch needs approval only where an active campaign-launch template exists."""
    return active_template_for(SubjectKind.CAMPAIGN_LAUNCH) is not None


def open_launch_request(*, campaign, by, reason: str) -> ApprovalRequest:
    """Ask the launch workflow's approvers to let the campaign go active (409 if one is open)."""
    return approval_submit(subject=campaign, kind=SubjectKind.CAMPAIGN_LAUNCH, by=by, reason=reason)


def open_launch_request_of(campaign) -> ApprovalRequest | None:
    """The campaign's open launch approval request, with what its page shows (stage, approvers, submitter).

    One query for the request and its current stage, one for the stage's
    approvers; ``None`` when no launch approval is waiting.
    """
    from django.db.models import Prefetch

    from approvals.choices import RequestStatus
    from approvals.models import StageAssignment

    return (
        ApprovalRequest.objects.filter(
            subject_kind=SubjectKind.CAMPAIGN_LAUNCH, object_id=campaign.pk, status=RequestStatus.IN_PROGRESS
        )
        .select_related("current_stage", "submitted_by")
        .prefetch_related(
            Prefetch(
                "current_stage__assignments",
                queryset=StageAssignment.objects.select_related("user").order_by("user__display_name", "pk"),
            )
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def describe(campaign) -> SubjectInfo:
    return SubjectInfo(
        title=_("Launch of %(code)s %(name)s") % {"code": campaign.code, "name": campaign.name},
        url=campaign.get_absolute_url(),
        team_ids=[campaign.team_id],
        amount=campaign.planned_cost,
    )


def visible_ids(user):
    from campaigns.models import Campaign

    return Campaign.objects.visible_to(user).values("pk")


def scope_ids(scope):
    from campaigns.models import Campaign

    return Campaign.objects.in_scope(scope).values("pk")


def on_approved(request, approved_amount=None) -> None:
    """The last stage approved: the campaign goes active, if it still can."""
    from campaigns.models import Campaign
    from campaigns.services import campaign_transition

    campaign = Campaign.objects.get(pk=request.object_id)
    if CampaignStatus.ACTIVE not in campaign.lifecycle_targets():
        return  # cancelled or completed meanwhile: the approval is kept on record, nothing moves
    campaign_transition(
        campaign=campaign,
        to_status=CampaignStatus.ACTIVE,
        system_note=note(NOTE_LAUNCH_APPROVED, limit=100, id=request.pk),
        by=request.submitted_by,
        launch_approved=True,
    )


def approvers_of_open_launch_requests(user) -> Q:
    """Approvers of a confidential campaign's open launch request see it (§2)."""
    return Q(pk__in=ApprovalRequest.objects.open_subject_ids_for_approver(user, SubjectKind.CAMPAIGN_LAUNCH))


def register() -> None:
    from campaigns.models import Campaign

    register_subject_handler(
        SubjectHandler(
            kind=SubjectKind.CAMPAIGN_LAUNCH,
            model=Campaign,
            describe=describe,
            visible_ids=visible_ids,
            scope_ids=scope_ids,
            on_approved=on_approved,
        )
    )
    register_confidential_access(approvers_of_open_launch_requests)
