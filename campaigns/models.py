"""Campaigns, their activities, tasks and KPIs, and the calendar feeds (PRODUCT.md §3).

Status changes never happen by assignment: ``campaigns.services.campaign_transition``
checks the lifecycle in :data:`TRANSITIONS`, locks the row and records a
:class:`CampaignTransition`. Campaigns, activities, tasks and KPIs keep their
full change history (django-simple-history), shown on the campaign page.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from campaigns.choices import (
    ACTIVITY_STATUS_BADGE,
    DEFAULT_CHANNELS,
    STATUS_BADGE,
    ActivityStatus,
    ActivityType,
    BatchKind,
    BulkAction,
    CampaignStatus,
    KPIMetric,
)
from campaigns.querysets import (
    ActivityQuerySet,
    CalendarFeedQuerySet,
    CampaignPartQuerySet,
    CampaignQuerySet,
    CampaignTemplateQuerySet,
    ChannelQuerySet,
    ChecklistItemQuerySet,
)
from mrm.bounds import clamp_date, day_after, validate_date_in_window

# The lifecycle (PRODUCT.md §3): where a campaign may go from each state.
# ``on_hold`` returns only to the state it was put on hold from (checked in the
# service with ``status_before_hold``); closed states go nowhere.
TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.PLANNED, CampaignStatus.CANCELLED}),
    CampaignStatus.PLANNED: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ON_HOLD, CampaignStatus.CANCELLED}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.COMPLETED, CampaignStatus.ON_HOLD, CampaignStatus.CANCELLED}),
    CampaignStatus.ON_HOLD: frozenset({CampaignStatus.PLANNED, CampaignStatus.ACTIVE, CampaignStatus.CANCELLED}),
    CampaignStatus.COMPLETED: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


class Channel(models.Model):
    """A marketing channel (e-mail, social, events...); admins may add their own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    color = models.CharField(
        _("colour"), max_length=7, default="#206bc4", help_text=_("Hex colour on the calendar, e.g. #206bc4.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        # Built-in channels translate; channels added by admins show their name.
        default = DEFAULT_CHANNELS.get(self.code)
        return str(default[0]) if default else self.name

    def clean(self):
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", self.color or ""):
            raise ValidationError({"color": _("Enter a colour like #206bc4.")})


@functools.cache
def _lifecycle_targets(status: str, status_before_hold: str) -> tuple[str, ...]:
    """The lifecycle's targets from ``status``, in the statuses' order: once per pair (lists ask per row)."""
    targets = TRANSITIONS[status]
    if status == CampaignStatus.ON_HOLD:
        back = status_before_hold or CampaignStatus.PLANNED
        targets = frozenset({back, CampaignStatus.CANCELLED})
    order = list(CampaignStatus.values)
    return tuple(sorted(targets, key=order.index))


class Campaign(models.Model):
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        blank=True,
        help_text=_("Leave empty to have one generated, e.g. CMP-2026-0001."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    objective = models.TextField(_("objective"), blank=True)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_campaigns", verbose_name=_("owner")
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sponsored_campaigns",
        null=True,
        blank=True,
        verbose_name=_("sponsor"),
        help_text=_("The executive sponsor; required before the campaign leaves draft."),
    )
    channels = models.ManyToManyField(Channel, related_name="campaigns", blank=True, verbose_name=_("channels"))
    start_date = models.DateField(_("start date"), validators=[validate_date_in_window])
    end_date = models.DateField(_("end date"), validators=[validate_date_in_window])
    planned_cost = models.DecimalField(
        _("planned cost"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the team, owner, sponsor, people it is shared with, finance and admins see it."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent programme"),
    )
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Comma-separated."))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, editable=False
    )
    status_before_hold = models.CharField(
        _("status before hold"), max_length=20, choices=CampaignStatus.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Channels are kept in the history too (a record per change of the set).
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["channels"])
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="campaigns_campaign_end_after_start"
            ),
            models.CheckConstraint(condition=Q(planned_cost__gte=0), name="campaigns_campaign_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}" if self.code else self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("A campaign cannot be its own parent.")
            else:
                ancestor, seen = self.parent, set()
                while ancestor is not None and ancestor.pk not in seen:
                    if self.pk and ancestor.pk == self.pk:
                        errors["parent"] = _("The parent programme cannot be one of this campaign's children.")
                        break
                    seen.add(ancestor.pk)
                    ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE[self.status]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def is_open(self) -> bool:
        return self.status not in (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED)

    def lifecycle_targets(self) -> list[str]:
        """Statuses the lifecycle allows from here (before people and guards are asked)."""
        return list(_lifecycle_targets(self.status, self.status_before_hold))


class CampaignUserObjectPermission(UserObjectPermissionBase):
    """Per-campaign grants to users (confidential sharing), a direct foreign key for speed."""

    content_object = models.ForeignKey(Campaign, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("campaign user permission")
        verbose_name_plural = _("campaign user permissions")


class CampaignGroupObjectPermission(GroupObjectPermissionBase):
    """Per-campaign grants to groups, a direct foreign key for speed."""

    content_object = models.ForeignKey(Campaign, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("campaign group permission")
        verbose_name_plural = _("campaign group permissions")


class CampaignTransition(models.Model):
    """One move through the lifecycle: who, when, from, to and why."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("campaign")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=CampaignStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=CampaignStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("campaign transition")
        verbose_name_plural = _("campaign transitions")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"


class Activity(models.Model):
    """A tactic of a campaign; public ones may appear on the embeddable calendar."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="activities", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=200)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        db_default="",  # rows written by older migrations' code (and raw SQL) get it too
        help_text=_("The row's number in the spreadsheet it was imported from; unique within the campaign."),
    )
    type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices, default=ActivityType.OTHER)
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("channel")
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), validators=[validate_date_in_window])
    end_date = models.DateField(_("end date"), validators=[validate_date_in_window])
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Empty for an all-day activity."))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_activities",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    url = models.URLField(_("URL"), blank=True)
    public = models.BooleanField(
        _("public"), default=False, help_text=_("May appear on the public calendar embedded in the corporate website.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "start_time", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="campaigns_activity_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["campaign", "external_ref"],
                condition=~Q(external_ref=""),
                name="campaigns_activity_unique_external_ref",
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.campaign_id]) + f"#activity-{self.pk}"

    @property
    def status_badge(self) -> str:
        return ACTIVITY_STATUS_BADGE[self.status]

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if (self.start_time is None) != (self.end_time is None):
            errors["end_time"] = _("Give both a start and an end time, or neither for an all-day activity.")
        elif (
            self.start_time and self.end_time and self.start_date == self.end_date and self.end_time <= self.start_time
        ):
            errors["end_time"] = _("The end time must be after the start time.")
        if errors:
            raise ValidationError(errors)

    def starts_at(self) -> dt.datetime | dt.date:
        """The start as a date (all-day) or an aware datetime in the organisation's time zone."""
        # Clamped into the date window: a row stored before the window held still reads (mrm/bounds.py).
        if self.all_day:
            return clamp_date(self.start_date)
        return timezone.make_aware(dt.datetime.combine(clamp_date(self.start_date), self.start_time), _org_tz())

    def ends_at(self) -> dt.datetime | dt.date:
        """The end: exclusive date for all-day activities (as iCalendar and FullCalendar expect)."""
        if self.all_day:
            return day_after(self.end_date)
        return timezone.make_aware(dt.datetime.combine(clamp_date(self.end_date), self.end_time), _org_tz())


def _org_tz():
    import zoneinfo

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class Task(models.Model):
    """A deliverable on a campaign (optionally on one of its activities)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("campaign"))
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("activity")
    )
    title = models.CharField(_("title"), max_length=200)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        db_default="",  # rows written by older migrations' code (and raw SQL) get it too
        help_text=_("The row's number in the spreadsheet it was imported from; unique within the campaign."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_tasks",
        verbose_name=_("assignee"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_date_in_window])
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="blocks",
        verbose_name=_("depends on"),
        help_text=_("Tasks of the same campaign that must be done before this one."),
    )

    history = HistoricalRecords()
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "external_ref"],
                condition=~Q(external_ref=""),
                name="campaigns_task_unique_external_ref",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.activity_id and self.campaign_id and self.activity.campaign_id != self.campaign_id:
            raise ValidationError({"activity": _("The activity belongs to another campaign.")})

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_date is not None and self.due_date < timezone.localdate()

    # Read from the prefetched checklist (``prefetch_related("checklist")``): lists stay at constant queries.
    @property
    def checklist_done_count(self) -> int:
        return sum(1 for item in self.checklist.all() if item.done)

    @property
    def checklist_total_count(self) -> int:
        return len(self.checklist.all())


class ChecklistItem(models.Model):
    """One step of a task's checklist (issue 18 item 6): ordered, ticked by whom and when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("task"))
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("text"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticked by"),
    )
    done_at = models.DateTimeField(_("ticked at"), null=True, blank=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ["task", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class KPI(models.Model):
    """A target and its actual value; actual revenue feeds ROI (PRODUCT.md §6)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("campaign"))
    metric = models.CharField(_("metric"), max_length=20, choices=KPIMetric.choices)
    custom_name = models.CharField(
        _("custom metric"), max_length=100, blank=True, help_text=_("The metric's name when it is a custom one.")
    )
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("actual"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "custom_name"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "metric", "custom_name"], name="campaigns_kpi_unique_metric_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.custom_name if self.metric == KPIMetric.CUSTOM else str(self.get_metric_display())

    @property
    def progress(self) -> int | None:
        """Actual as a whole percentage of target, for the progress bar."""
        if not self.target or self.actual is None:
            return None
        return int(self.actual * 100 / self.target)

    def clean(self):
        if self.metric == KPIMetric.CUSTOM and not self.custom_name.strip():
            raise ValidationError({"custom_name": _("Name the custom metric.")})
        if self.metric != KPIMetric.CUSTOM:
            self.custom_name = ""


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A saved calendar filter reachable by a secret URL (RFC 5545), revocable."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=120)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token, editable=False)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def get_feed_path(self) -> str:
        return reverse("campaigns:feed_ics", args=[self.token])


class CampaignTemplate(models.Model):
    """A campaign's plan saved to start new campaigns from (the template gallery, issue 18 item 2).

    The plan is a :mod:`campaigns.blueprints` snapshot: the template stays as
    it was saved whatever happens to its source campaign. A template of a
    confidential campaign is seen only by its team (and admins).
    """

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    confidential = models.BooleanField(_("confidential"), default=False)
    source_code = models.CharField(_("source campaign"), max_length=32, blank=True)
    blueprint = models.JSONField(_("plan"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CampaignTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("campaign template")
        verbose_name_plural = _("campaign templates")

    def __str__(self) -> str:
        return self.name

    @property
    def summary(self) -> dict:
        from campaigns.blueprints import summary

        return summary(self.blueprint)


class CampaignBatch(models.Model):
    """One bulk change of many campaigns, kept so that it can be undone as one (issue 18 item 1).

    ``items`` holds, for each campaign the change reached, what it was before
    and the ``updated_at`` the change left: undo restores a campaign only if
    nobody changed it since. Each campaign's own history records the change
    itself (one entry per campaign, by who made it).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices, default=BatchKind.CAMPAIGN)
    action = models.CharField(_("action"), max_length=20, choices=BulkAction.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    items = models.JSONField(_("items"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk change")
        verbose_name_plural = _("bulk changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {len(self.items)}"
