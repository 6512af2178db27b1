"""The approvals engine: definition and runtime, kept apart (PRODUCT.md §5).

Definition (what an organisation configures): :class:`WorkflowTemplate` with
ordered :class:`Stage` rows. Runtime (what happens to one subject):
:class:`ApprovalRequest` with one :class:`StageState` per applicable stage,
the :class:`Decision` rows that move it and the :class:`Comment` rows that
never do. This is Wagtail's Workflow/Task → WorkflowState/TaskState split.

The engine knows no campaign and no budget: a subject is any model row
(content type + id) of a kind whose app registered a handler in
:mod:`approvals.registry`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from approvals.choices import (
    OUTCOME_BADGE,
    STATUS_BADGE,
    Outcome,
    RequestStatus,
    StageMode,
    StageStatus,
    SubjectKind,
)
from approvals.querysets import (
    ApprovalRequestQuerySet,
    CommentQuerySet,
    DecisionQuerySet,
    DelegationQuerySet,
    WorkflowTemplateQuerySet,
)
from mrm.bounds import validate_date_in_window


class WorkflowTemplate(models.Model):
    """A named, ordered list of stages for one kind of subject.

    At most one template per subject kind is active: submitting a subject of
    that kind uses it. Editing a template never moves running requests (their
    stage states keep a copy of what they need).
    """

    name = models.CharField(_("name"), max_length=150)
    subject_kind = models.CharField(_("applies to"), max_length=32, choices=SubjectKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only one template per kind of subject can be active.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkflowTemplateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["subject_kind", "name"]
        verbose_name = _("workflow template")
        verbose_name_plural = _("workflow templates")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind"],
                condition=Q(is_active=True),
                name="approvals_one_active_template_per_kind",
                violation_error_message=_("Another active template already applies to this kind of subject."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("approvals:template_edit", args=[self.pk])


#: A stage's place in its template: what the API, the forms and the database all accept.
STAGE_ORDER_MIN, STAGE_ORDER_MAX = 1, 999


class Stage(models.Model):
    """One step of a template: who approves, how many must, by when, and who hears of delays."""

    template = models.ForeignKey(
        WorkflowTemplate, on_delete=models.CASCADE, related_name="stages", verbose_name=_("template")
    )
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(
        _("order"), default=1, validators=[MinValueValidator(STAGE_ORDER_MIN), MaxValueValidator(STAGE_ORDER_MAX)]
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="approval_stages", verbose_name=_("approvers")
    )
    approver_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="approval_stages",
        verbose_name=_("approver groups"),
        help_text=_("Every active member of these groups when the stage starts is an approver."),
    )
    mode = models.CharField(_("mode"), max_length=8, choices=StageMode.choices, default=StageMode.ANY)
    sla_days = models.PositiveSmallIntegerField(
        _("due in (working days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalation contact"),
        help_text=_("Told when the stage is overdue beyond the escalation delay."),
    )
    min_amount = models.DecimalField(
        _("only above amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The stage applies only when the subject's amount is above this. Empty: always."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="approvals_stage_unique_order"),
            models.CheckConstraint(
                condition=models.Q(order__gte=STAGE_ORDER_MIN, order__lte=STAGE_ORDER_MAX),
                name="approvals_stage_order_in_range",
                violation_error_message=_("A stage's order is a number from 1 to 999."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def applies_to_amount(self, amount) -> bool:
        """A stage with a minimum applies above it; an unknown amount keeps the stage (more review, not less)."""
        if self.min_amount is None or amount is None:
            return True
        return amount > self.min_amount


class ApprovalRequest(models.Model):
    """One subject going through one template's stages; moved only by ``approvals.services``."""

    template = models.ForeignKey(
        WorkflowTemplate, on_delete=models.PROTECT, related_name="requests", verbose_name=_("template")
    )
    subject_kind = models.CharField(_("subject kind"), max_length=32, choices=SubjectKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("subject type"))
    object_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("content_type", "object_id")
    subject_title = models.CharField(_("subject"), max_length=255)
    subject_url = models.CharField(_("subject link"), max_length=500, blank=True)
    subject_version = models.CharField(
        _("version"), max_length=100, blank=True, help_text=_("The version of the subject being decided on.")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submitted_approval_requests",
        verbose_name=_("submitted by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=RequestStatus.choices, default=RequestStatus.IN_PROGRESS
    )
    current_stage = models.ForeignKey(
        "StageState",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current stage"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    stale_asked_at = models.DateTimeField(_("asked whether still needed"), null=True, blank=True)
    stale_confirmed_at = models.DateTimeField(_("confirmed still needed"), null=True, blank=True)
    stale_confirmation = models.TextField(_("why it is still needed"), blank=True)
    close_note = models.TextField(_("closing note"), blank=True)

    objects = ApprovalRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="approvals_request_subject"),
            # Visibility asks "is there a request of this kind on this subject?" per row (issue 16).
            models.Index(fields=["subject_kind", "object_id"], name="approvals_request_kind_subject"),
            # The list's order (newest first): a page is read from the index, not sorted.
            models.Index(fields=["-submitted_at", "-id"], name="approvals_request_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="in_progress"),
                name="approvals_one_open_request_per_subject",
                violation_error_message=_("This subject already has an open approval request."),
            )
        ]

    def __str__(self) -> str:
        return _("Approval #%(id)s: %(subject)s") % {"id": self.pk, "subject": self.subject_title}

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.IN_PROGRESS

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "bg-secondary-lt")


class StageState(models.Model):
    """A stage of one request at run time, with the approvers fixed when it started.

    ``assignments`` are expanded from the stage's users and groups at start,
    so changing a group later does not move the goalposts of a running stage.
    ``name`` and ``mode`` are copied for the same reason.
    """

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="stage_states", verbose_name=_("request")
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="states", verbose_name=_("stage"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=150)
    mode = models.CharField(_("mode"), max_length=8, choices=StageMode.choices)
    status = models.CharField(_("status"), max_length=24, choices=StageStatus.choices, default=StageStatus.WAITING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "order"]
        verbose_name = _("stage state")
        verbose_name_plural = _("stage states")
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="approvals_stagestate_unique_order"),
        ]
        indexes = [
            # The running stages, a tenth of them: what an approver's inbox joins their open
            # assignments to (issue 16: a scan of every stage otherwise).
            models.Index(
                fields=["id"], condition=models.Q(status=StageStatus.IN_PROGRESS), name="approvals_stage_running"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "bg-secondary-lt")


class StageAssignment(models.Model):
    """An approver of a running stage; ``decided`` turns true once they (or their stand-in) decided."""

    stage_state = models.ForeignKey(
        StageState, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("stage")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_assignments",
        verbose_name=_("approver"),
    )
    decided = models.BooleanField(_("decided"), default=False)

    class Meta:
        ordering = ["stage_state", "pk"]
        verbose_name = _("stage approver")
        verbose_name_plural = _("stage approvers")
        constraints = [
            models.UniqueConstraint(fields=["stage_state", "user"], name="approvals_assignment_unique_user"),
        ]
        indexes = [
            # An approver's undecided assignments, the start of "pending for me" (an inbox and its
            # count): a few among the thousands a long-serving approver has decided (issue 16).
            models.Index(
                fields=["user", "stage_state"], condition=models.Q(decided=False), name="approvals_assignment_open"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ImmutableRecord(ValueError):
    """Raised when code tries to change or delete a decision."""


class Decision(models.Model):
    """A final, immutable decision by an approver of an open stage; the only thing that moves a request.

    ``decider`` is who clicked; ``on_behalf_of`` names the absent approver
    when a stand-in decided (PRODUCT.md §5, delegation). Never edited, never
    deleted: ``save`` refuses updates, ``delete`` refuses, the queryset
    refuses bulk updates and deletes, and the admin is read-only.
    """

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("request")
    )
    stage_state = models.ForeignKey(
        StageState, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("stage")
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_decisions",
        verbose_name=_("decided by"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_decisions_by_stand_in",
        verbose_name=_("on behalf of"),
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    subject_version = models.CharField(_("version"), max_length=100, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["decider", "stage_state"], name="approvals_one_decision_per_approver"),
            models.CheckConstraint(
                condition=Q(on_behalf_of__isnull=True) | ~Q(on_behalf_of=F("decider")),
                name="approvals_decision_stand_in_differs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.decider}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord("A decision is final: it cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("A decision is final: it cannot be deleted.")

    @property
    def outcome_badge(self) -> str:
        return OUTCOME_BADGE.get(self.outcome, "bg-secondary-lt")


class Comment(models.Model):
    """Discussion on a request: preliminary, never a decision, never changes a status.

    ``page``, ``x`` and ``y`` pin the comment to a point of a material's
    preview (page of a PDF, relative position 0–1) for online proofing.
    """

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="comments", verbose_name=_("request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_comments", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    subject_version = models.CharField(_("version"), max_length=100, blank=True)
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    x = models.FloatField(_("x"), null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    y = models.FloatField(_("y"), null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(x__isnull=True) & Q(y__isnull=True))
                | (Q(x__gte=0) & Q(x__lte=1) & Q(y__gte=0) & Q(y__lte=1)),
                name="approvals_comment_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_pinned(self) -> bool:
        return self.x is not None and self.y is not None


class Delegation(models.Model):
    """An approver's stand-in for a period of absence: stages route to them meanwhile."""

    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("approver")
    )
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("stand-in"),
    )
    starts_on = models.DateField(_("from"), validators=[validate_date_in_window])
    ends_on = models.DateField(_("until"), validators=[validate_date_in_window])
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DelegationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="approvals_delegation_period"),
            models.CheckConstraint(condition=~Q(stand_in=F("approver")), name="approvals_delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.approver} → {self.stand_in}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})
