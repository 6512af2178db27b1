"""Change requests for configuration and the teams they affect (PRODUCT.md §7).

A change request names one target (a workflow template, an expense category
or a configurable field), what should change and why. When it is created,
the teams and users who use that target are computed and stored
(``changes.affected``); each affected team answers through its champion or
lead, and an administrator applies or declines it. Everything is kept with
its history (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from changes.choices import ANSWER_BADGE, CHANGE_STATUS_BADGE, AnswerStatus, ChangeStatus, ConfigurableField, TargetKind
from changes.querysets import AffectedTeamQuerySet, ChangeRequestQuerySet


class ChangeRequest(models.Model):
    """A user's request to change a piece of configuration; moved only by ``changes.services``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("requested by"),
    )
    target_kind = models.CharField(_("what to change"), max_length=24, choices=TargetKind.choices)
    workflow_template = models.ForeignKey(
        "approvals.WorkflowTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("workflow template"),
    )
    expense_category = models.ForeignKey(
        "budgets.ExpenseCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("expense category"),
    )
    field_name = models.CharField(_("field"), max_length=40, choices=ConfigurableField.choices, blank=True)
    what = models.TextField(_("the change wanted"))
    why = models.TextField(_("why it is needed"))
    status = models.CharField(
        _("status"), max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.OPEN, editable=False
    )
    affected_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="affecting_change_requests", blank=True, verbose_name=_("affected users")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    stale_asked_at = models.DateTimeField(_("asked whether still needed"), null=True, blank=True, editable=False)
    stale_confirmed_at = models.DateTimeField(_("confirmed still needed"), null=True, blank=True, editable=False)
    stale_confirmation = models.TextField(_("why it is still needed"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_change_requests",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    overridden = models.BooleanField(
        _("applied over missing acknowledgements"),
        default=False,
        editable=False,
        help_text=_("Applied while a team had objected or not answered, with the administrator's note."),
    )

    objects = ChangeRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["status", "last_activity_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target_kind=TargetKind.WORKFLOW_TEMPLATE,
                        workflow_template__isnull=False,
                        expense_category__isnull=True,
                        field_name="",
                    )
                    | Q(
                        target_kind=TargetKind.EXPENSE_CATEGORY,
                        workflow_template__isnull=True,
                        expense_category__isnull=False,
                        field_name="",
                    )
                    | (
                        Q(target_kind=TargetKind.FIELD, workflow_template__isnull=True, expense_category__isnull=True)
                        & ~Q(field_name="")
                    )
                ),
                name="changes_changerequest_one_target",
                violation_error_message=_("A change request names exactly one target of its kind."),
            )
        ]

    def __str__(self) -> str:
        return _("Change request #%(id)s: %(target)s") % {"id": self.pk, "target": self.target_label}

    def get_absolute_url(self) -> str:
        return reverse("changes:detail", args=[self.pk])

    @property
    def target_label(self) -> str:
        """What is to change, as people name it (loads the target: lists select it)."""
        if self.target_kind == TargetKind.WORKFLOW_TEMPLATE and self.workflow_template_id:
            return str(self.workflow_template)
        if self.target_kind == TargetKind.EXPENSE_CATEGORY and self.expense_category_id:
            return str(self.expense_category)
        if self.field_name:
            return str(ConfigurableField(self.field_name).label)
        return ""

    @property
    def is_open(self) -> bool:
        return self.status == ChangeStatus.OPEN

    @property
    def status_badge(self) -> str:
        return CHANGE_STATUS_BADGE.get(self.status, "bg-secondary-lt")


class AffectedTeam(models.Model):
    """One team a change request affects, and its answer (given by its champion or lead)."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="affected_teams", verbose_name=_("change request")
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="change_requests_affecting", verbose_name=_("team")
    )
    status = models.CharField(
        _("answer"), max_length=14, choices=AnswerStatus.choices, default=AnswerStatus.PENDING, editable=False
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    objects = AffectedTeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("affected team")
        verbose_name_plural = _("affected teams")
        constraints = [
            models.UniqueConstraint(fields=["change_request", "team"], name="changes_affectedteam_unique_team")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_status_display()}"

    @property
    def status_badge(self) -> str:
        return ANSWER_BADGE.get(self.status, "bg-secondary-lt")
