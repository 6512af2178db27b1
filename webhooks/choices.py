from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The events a webhook may subscribe to (issue 17, item 3); each carries its object as the API shows it."""

    CAMPAIGN_CREATED = "campaign.created", _("Campaign created")
    CAMPAIGN_STATUS_CHANGED = "campaign.status_changed", _("Campaign status changed")
    FUNDING_REQUEST_SUBMITTED = "funding_request.submitted", _("Funding request submitted")
    FUNDING_REQUEST_DECIDED = "funding_request.decided", _("Funding request decided")
    APPROVAL_REQUEST_DECIDED = "approval_request.decided", _("Approval request decided")
    MATERIAL_VERSION_UPLOADED = "material.version_uploaded", _("Material version uploaded")
    EXPENSE_CREATED = "expense.created", _("Expense recorded")
    REPORT_RUN_FINISHED = "report_run.finished", _("Report run finished")


class MessageState(models.TextChoices):
    """Where one event's delivery to one webhook stands."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


STATE_BADGE = {
    MessageState.PENDING: "bg-yellow-lt",
    MessageState.DELIVERED: "bg-green-lt",
    MessageState.FAILED: "bg-red-lt",
}
