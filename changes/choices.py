"""What a change request targets, where it stands, and each affected team's answer (PRODUCT.md §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetKind(models.TextChoices):
    WORKFLOW_TEMPLATE = "workflow_template", _("Workflow template")
    EXPENSE_CATEGORY = "expense_category", _("Expense category")
    FIELD = "field", _("Field")


class ChangeStatus(models.TextChoices):
    """open → applied | declined | withdrawn; moved only by ``changes.services``."""

    OPEN = "open", pgettext_lazy("change request status", "Open")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AnswerStatus(models.TextChoices):
    """An affected team's answer, given by its champion or lead."""

    PENDING = "pending", _("Waiting")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    OBJECTED = "objected", _("Objected")


class ConfigurableField(models.TextChoices):
    """The fields whose configuration (choices, rules) may be asked to change.

    Kept short and explicit: each one is configured by administrators and used
    by every team that plans campaigns, so a change to it affects those teams.
    """

    CAMPAIGN_CHANNELS = "campaign.channels", _("Campaign channels")
    CAMPAIGN_OBJECTIVE = "campaign.objective", _("Campaign objective")
    CAMPAIGN_TAGS = "campaign.tags", _("Campaign tags")
    ACTIVITY_TYPE = "activity.type", _("Activity types")
    KPI_METRIC = "kpi.metric", _("KPI metrics")


CHANGE_STATUS_BADGE = {
    ChangeStatus.OPEN: "bg-blue-lt",
    ChangeStatus.APPLIED: "bg-green-lt",
    ChangeStatus.DECLINED: "bg-red-lt",
    ChangeStatus.WITHDRAWN: "bg-dark-lt",
}

ANSWER_BADGE = {
    AnswerStatus.PENDING: "bg-yellow-lt",
    AnswerStatus.ACKNOWLEDGED: "bg-green-lt",
    AnswerStatus.OBJECTED: "bg-red-lt",
}
