"""Approvals in the Django admin: templates are edited here; runtime records are read-only.

Decisions are never changed or deleted, not even here (PRODUCT.md §5):
their admin has no add, change or delete permission, whoever asks.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from approvals.models import (
    ApprovalRequest,
    Comment,
    Decision,
    Delegation,
    Stage,
    StageAssignment,
    StageState,
    WorkflowTemplate,
)


class StageInline(admin.StackedInline):
    model = Stage
    extra = 0
    ordering = ("order",)
    filter_horizontal = ("approvers", "approver_groups")
    autocomplete_fields = ("escalation_contact",)
    fields = ("order", "name", "mode", "approvers", "approver_groups", "sla_days", "escalation_contact", "min_amount")


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "subject_kind", "is_active", "updated_at")
    list_filter = ("subject_kind", "is_active")
    search_fields = ("name", "description")
    inlines = [StageInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Runtime records change only through approvals.services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageStateInline(admin.TabularInline):
    model = StageState
    extra = 0
    fields = ("order", "name", "mode", "status", "started_at", "due_at", "finished_at", "reminded_at", "escalated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("stage_state", "outcome", "decider", "on_behalf_of", "note", "subject_version", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "subject_kind", "status", "submitted_by", "submitted_at", "due_at")
    list_filter = ("status", "subject_kind", "template")
    search_fields = ("subject_title", "reason", "submitted_by__username", "submitted_by__display_name")
    date_hierarchy = "submitted_at"
    list_select_related = ("submitted_by",)
    inlines = [StageStateInline, DecisionInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("request", "stage_state", "outcome", "decider", "on_behalf_of", "created_at")
    list_filter = ("outcome",)
    search_fields = ("note", "decider__username", "request__subject_title")
    list_select_related = ("request", "stage_state", "decider", "on_behalf_of")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("request", "author", "created_at", "page", "x", "y")
    search_fields = ("body", "author__username", "request__subject_title")
    list_select_related = ("request", "author")


@admin.register(StageAssignment)
class StageAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("stage_state", "user", "decided")
    list_select_related = ("stage_state", "user")


@admin.register(Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ("approver", "stand_in", "starts_on", "ends_on", "note")
    search_fields = ("approver__username", "stand_in__username", "note")
    autocomplete_fields = ("approver", "stand_in")
