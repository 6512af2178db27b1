"""Statuses and kinds of campaigns and their parts (PRODUCT.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    """The campaign lifecycle; only ``campaign_transition`` moves a campaign between them."""

    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset({CampaignStatus.DRAFT, CampaignStatus.PLANNED, CampaignStatus.ACTIVE, CampaignStatus.ON_HOLD})
CLOSED_STATUSES = frozenset({CampaignStatus.COMPLETED, CampaignStatus.CANCELLED})

# One way to show a status: a Tabler badge colour next to the word.
STATUS_BADGE = {
    CampaignStatus.DRAFT: "bg-secondary-lt",
    CampaignStatus.PLANNED: "bg-blue-lt",
    CampaignStatus.ACTIVE: "bg-green-lt",
    CampaignStatus.ON_HOLD: "bg-yellow-lt",
    CampaignStatus.COMPLETED: "bg-teal-lt",
    CampaignStatus.CANCELLED: "bg-red-lt",
}


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    WEBINAR = "webinar", _("Webinar")
    EMAIL = "email", _("E-mail")
    PAID_MEDIA = "paid_media", _("Paid media")
    CONTENT = "content", _("Content")
    PR = "pr", _("PR")
    SOCIAL = "social", _("Social")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVITY_STATUS_BADGE = {
    ActivityStatus.PLANNED: "bg-blue-lt",
    ActivityStatus.IN_PROGRESS: "bg-green-lt",
    ActivityStatus.DONE: "bg-teal-lt",
    ActivityStatus.CANCELLED: "bg-red-lt",
}


class KPIMetric(models.TextChoices):
    LEADS = "leads", _("Leads")
    MQL = "mql", _("MQL")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    REVENUE = "revenue", _("Revenue")
    REGISTRATIONS = "registrations", _("Registrations")
    IMPRESSIONS = "impressions", _("Impressions")
    CLICKS = "clicks", _("Clicks")
    CUSTOM = "custom", _("Custom")


class CalendarColourBy(models.TextChoices):
    CHANNEL = "channel", _("Channel")
    TEAM = "team", _("Team")


class CalendarEventKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    CAMPAIGN = "campaign", _("Campaign")


class BulkAction(models.TextChoices):
    """What a bulk change does to every selected campaign (issue 18 item 1)."""

    STATUS = "status", _("Change status")
    OWNER = "owner", _("Change owner")
    SPONSOR = "sponsor", _("Change sponsor")
    TEAM = "team", _("Move to team")
    TAGS = "tags", _("Add or remove tags")
    SHIFT_DATES = "shift_dates", _("Shift dates")
    ASSIGNEE = "assignee", _("Change assignee")


class BatchKind(models.TextChoices):
    """What a bulk change changed: campaigns (the list and the board) or tasks (my tasks)."""

    CAMPAIGN = "campaign", _("Campaigns")
    TASK = "task", _("Tasks")


#: The bulk actions on tasks; ``status`` there takes ``done`` or ``open``.
TASK_BULK_ACTIONS = (BulkAction.STATUS, BulkAction.ASSIGNEE, BulkAction.SHIFT_DATES)
#: The bulk actions on campaigns.
CAMPAIGN_BULK_ACTIONS = tuple(a for a in BulkAction.values if a != BulkAction.ASSIGNEE)


# Built-in channels: their codes are seeded by a migration, their names translate.
DEFAULT_CHANNELS = {
    "email": (_("E-mail"), "#206bc4"),
    "social": (_("Social media"), "#ae3ec9"),
    "paid_search": (_("Paid search"), "#f76707"),
    "display": (_("Display advertising"), "#d63939"),
    "events": (_("Events"), "#2fb344"),
    "pr": (_("PR"), "#4299e1"),
    "content": (_("Content"), "#17a2b8"),
    "web": (_("Website"), "#667382"),
    "print": (_("Print"), "#a55eea"),
    "partners": (_("Partners"), "#f59f00"),
}

# Team colours on the calendar: picked by team id from this palette.
TEAM_PALETTE = ("#206bc4", "#2fb344", "#f76707", "#ae3ec9", "#d63939", "#17a2b8", "#f59f00", "#667382")
