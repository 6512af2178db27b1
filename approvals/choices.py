"""Kinds, modes and statuses of the approvals engine (PRODUCT.md §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    """What a workflow applies to; the app owning the subject registers a handler for it."""

    MATERIAL_VERSION = "material_version", _("Material version")
    FUNDING_REQUEST = "funding_request", _("Funding request")
    CAMPAIGN_LAUNCH = "campaign_launch", _("Campaign launch")


class StageMode(models.TextChoices):
    ANY = "any", _("Any one approver")
    ALL = "all", _("All approvers")


class RequestStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Withdrawn")


class StageStatus(models.TextChoices):
    WAITING = "waiting", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Stopped")


class Outcome(models.TextChoices):
    """A decision's outcome; a comment has none (it never moves anything)."""

    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    REJECT = "reject", _("Reject")


OUTCOME_PAST = {
    Outcome.APPROVE: _("approved"),
    Outcome.REQUEST_CHANGES: _("requested changes"),
    Outcome.REJECT: _("rejected"),
}

STATUS_BADGE = {
    "waiting": "bg-secondary-lt",
    "in_progress": "bg-blue-lt",
    "approved": "bg-green-lt",
    "changes_requested": "bg-yellow-lt",
    "rejected": "bg-red-lt",
    "cancelled": "bg-dark-lt",
}

OUTCOME_BADGE = {
    Outcome.APPROVE: "bg-green-lt",
    Outcome.REQUEST_CHANGES: "bg-yellow-lt",
    Outcome.REJECT: "bg-red-lt",
}

OPEN_STAGE_STATUSES = (StageStatus.WAITING, StageStatus.IN_PROGRESS)
