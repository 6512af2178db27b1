"""Approvals in the REST API: decisions and comments are separate resources, as everywhere (§5)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.choices import Outcome, StageMode, SubjectKind
from approvals.models import (
    STAGE_ORDER_MAX,
    STAGE_ORDER_MIN,
    ApprovalRequest,
    Comment,
    Decision,
    Delegation,
    Stage,
    StageState,
    WorkflowTemplate,
)
from mrm.api import NoteField
from mrm.bounds import DecimalSerializerField
from mrm.fast_lists import FastListSerializer


class StageSerializer(serializers.ModelSerializer):
    approvers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    approver_groups = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Stage
        fields = (
            "id",
            "order",
            "name",
            "mode",
            "approvers",
            "approver_groups",
            "sla_days",
            "escalation_contact",
            "min_amount",
        )


class WorkflowTemplateSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = WorkflowTemplate
        fields = ("id", "name", "subject_kind", "description", "is_active", "stages", "created_at", "updated_at")


class StageWriteSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=STAGE_ORDER_MIN, max_value=STAGE_ORDER_MAX)
    name = serializers.CharField(max_length=150)
    mode = serializers.ChoiceField(choices=StageMode.choices, default=StageMode.ANY)
    approvers = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.filter(is_active=True)
    )
    approver_groups = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Group.objects.all())
    sla_days = serializers.IntegerField(min_value=1, max_value=60, default=2)
    escalation_contact = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=get_user_model().objects.filter(is_active=True)
    )
    min_amount = DecimalSerializerField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)

    def validate(self, data):
        if not data.get("approvers") and not data.get("approver_groups") and not data.get("escalation_contact"):
            raise serializers.ValidationError(_("Name at least one approver or group."))
        return data


class WorkflowTemplateWriteSerializer(serializers.Serializer):
    """A template with its stages, written at once (admins)."""

    name = serializers.CharField(max_length=150)
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)
    stages = StageWriteSerializer(many=True, allow_empty=False)

    def validate_stages(self, stages):
        orders = [stage["order"] for stage in stages]
        if len(orders) != len(set(orders)):
            raise serializers.ValidationError(_("Each stage needs its own order number."))
        return sorted(stages, key=lambda stage: stage["order"])


class DecisionSerializer(serializers.ModelSerializer):
    decider_name = serializers.CharField(source="decider.full_name", read_only=True)
    on_behalf_of_name = serializers.CharField(
        source="on_behalf_of.full_name", read_only=True, default=None, allow_null=True
    )
    stage = serializers.CharField(source="stage_state.name", read_only=True)

    class Meta:
        model = Decision
        fields = (
            "id",
            "stage_state",
            "stage",
            "outcome",
            "note",
            "decider",
            "decider_name",
            "on_behalf_of",
            "on_behalf_of_name",
            "subject_version",
            "approved_amount",
            "created_at",
        )
        read_only_fields = fields


class StageStateSerializer(serializers.ModelSerializer):
    approvers = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = StageState
        fields = (
            "id",
            "order",
            "name",
            "mode",
            "status",
            "started_at",
            "due_at",
            "finished_at",
            "approvers",
            "decisions",
        )
        read_only_fields = fields

    def get_approvers(self, state) -> list[int]:
        return [assignment.user_id for assignment in state.assignments.all()]  # prefetched


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = Comment
        fields = ("id", "body", "author", "author_name", "subject_version", "page", "x", "y", "created_at")
        read_only_fields = ("id", "author", "author_name", "subject_version", "created_at")


class ApprovalRequestSerializer(serializers.ModelSerializer):
    # Kinds come from the apps that register subject handlers; the product's are
    # material_version, funding_request and campaign_launch.
    subject_kind = serializers.CharField(
        read_only=True, help_text="material_version, funding_request or campaign_launch"
    )
    submitted_by_name = serializers.CharField(source="submitted_by.full_name", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    current_stage_name = serializers.CharField(
        source="current_stage.name", read_only=True, default=None, allow_null=True
    )
    stages = StageStateSerializer(source="stage_states", many=True, read_only=True)
    reason = NoteField()
    decision_context = serializers.JSONField(
        source="decision_context_data",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="What the subject's app shows a decider, for readers of the subject; for a funding request "
        "its budget line, as the funding request's budget_context. Null for other kinds.",
    )

    class Meta:
        model = ApprovalRequest
        fields = (
            "id",
            "subject_kind",
            "object_id",
            "subject_title",
            "subject_url",
            "subject_version",
            "amount",
            "template",
            "template_name",
            "submitted_by",
            "submitted_by_name",
            "reason",
            "status",
            "current_stage",
            "current_stage_name",
            "due_at",
            "submitted_at",
            "closed_at",
            "stages",
            "decision_context",
        )
        read_only_fields = fields
        list_serializer_class = FastListSerializer


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    approved_amount = DecimalSerializerField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)
    page = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    x = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    y = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)


class CancelSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class DelegationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delegation
        fields = ("id", "approver", "stand_in", "starts_on", "ends_on", "note", "created_at")
        read_only_fields = ("id", "approver", "created_at")
