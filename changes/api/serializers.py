"""Change requests in the API (PRODUCT.md §8): snake_case, integer ids, answers per affected team.

Serializers validate the shape; the writes are ``changes.services``' (the
views call them), so the API keeps the same rules as the pages.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.models import WorkflowTemplate
from budgets.models import ExpenseCategory
from changes.choices import ConfigurableField, TargetKind
from changes.models import AffectedTeam, ChangeRequest
from mrm.api import NoteField


class AffectedTeamSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = AffectedTeam
        fields = ["team", "team_name", "status", "by", "at", "note"]
        read_only_fields = fields


class ChangeRequestSerializer(serializers.ModelSerializer):
    target_label = serializers.CharField(read_only=True)
    affected_teams = AffectedTeamSerializer(many=True, read_only=True)
    workflow_template = serializers.PrimaryKeyRelatedField(
        queryset=WorkflowTemplate.objects.all(), required=False, allow_null=True
    )
    expense_category = serializers.PrimaryKeyRelatedField(
        queryset=ExpenseCategory.objects.all(), required=False, allow_null=True
    )
    field_name = serializers.ChoiceField(choices=ConfigurableField.choices, required=False, allow_blank=True)
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    what = serializers.CharField(max_length=4000)
    why = serializers.CharField(max_length=4000, help_text=_("Why the change is needed (required)."))
    decision_note = NoteField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "target_kind",
            "workflow_template",
            "expense_category",
            "field_name",
            "target_label",
            "what",
            "why",
            "status",
            "requested_by",
            "affected_teams",
            "affected_users",
            "created_at",
            "last_activity_at",
            "stale_asked_at",
            "stale_confirmed_at",
            "stale_confirmation",
            "decided_by",
            "decided_at",
            "decision_note",
            "overridden",
        ]
        read_only_fields = [
            "status",
            "requested_by",
            "affected_users",
            "created_at",
            "last_activity_at",
            "stale_asked_at",
            "stale_confirmed_at",
            "stale_confirmation",
            "decided_by",
            "decided_at",
            "decision_note",
            "overridden",
        ]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


class ApplySerializer(NoteSerializer):
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Apply although a team objected or has not answered; the note must say why."),
    )
