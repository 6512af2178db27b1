"""API shapes (PRODUCT.md §8): snake_case, integer ids, money as decimal strings.

Serializers validate the shape only; writes go through campaigns.services,
which hold the business rules and raise ValidationError/PermissionDenied/
StateConflict for the API handler to turn into 400/403/409.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team, User
from campaigns.choices import CAMPAIGN_BULK_ACTIONS, TASK_BULK_ACTIONS, BulkAction, CampaignStatus
from campaigns.models import KPI, Activity, Campaign, CampaignTemplate, Channel, ChecklistItem, Task
from mrm.bounds import MAX_ID, DateSerializerField
from mrm.fast_lists import FastListSerializer


@extend_schema_field(OpenApiTypes.INT)
class VisibleCampaignField(serializers.PrimaryKeyRelatedField):
    """A campaign id the requesting user can see; any other id "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


class VisibleActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Activity.objects.visible_to(request.user) if request else Activity.objects.none()


class VisibleTaskField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Task.objects.visible_to(request.user) if request else Task.objects.none()


class TagListField(serializers.ListField):
    """Tags are a list of strings in the API, stored comma-separated."""

    child = serializers.CharField(max_length=60)

    def to_representation(self, data):
        if isinstance(data, str):
            return [tag.strip() for tag in data.split(",") if tag.strip()]
        return super().to_representation(data)


class CampaignSerializer(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True))
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    sponsor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    channels = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all(), many=True, required=False)
    parent = VisibleCampaignField(allow_null=True, required=False)
    tags = TagListField(required=False)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=CampaignStatus.choices, read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    sponsor_name = serializers.CharField(source="sponsor.full_name", read_only=True, default=None, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField()
    pending_launch_request = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The open launch approval request's id; while one waits, active is not an allowed transition.",
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            "description",
            "objective",
            "team",
            "team_name",
            "owner",
            "owner_name",
            "sponsor",
            "sponsor_name",
            "channels",
            "start_date",
            "end_date",
            "planned_cost",
            "confidential",
            "parent",
            "tags",
            "status",
            "allowed_transitions",
            "pending_launch_request",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = FastListSerializer

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CampaignStatus.choices)))
    def get_allowed_transitions(self, campaign) -> list[str]:
        # Computed from the row and the user only: no query per campaign.
        from campaigns.permissions import available_actions

        request = self.context.get("request")
        if request is None:
            return []
        return available_actions(campaign, request.user)["transitions"]


class RollupKPISerializer(serializers.Serializer):
    metric = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True, read_only=True)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True, read_only=True)
    campaigns = serializers.IntegerField(
        read_only=True, help_text="How many of the programme's campaigns have this KPI."
    )


class RollupSerializer(serializers.Serializer):
    """Output only: a programme's roll-up (issue 18 item 7): its whole subtree, over what the reader may see."""

    campaigns = serializers.IntegerField(
        read_only=True, help_text="How many campaigns under the programme the figures cover."
    )
    planned_cost = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    approved = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    committed = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    spent = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Campaigns per status, every status named (zeros included).",
    )
    kpis = RollupKPISerializer(many=True, read_only=True, help_text="Targets and actuals summed per metric.")


class CampaignDetailSerializer(CampaignSerializer):
    """One campaign as ``GET /api/v1/campaigns/{id}/`` answers it: the list's fields and its programme roll-up.

    The roll-up is on the detail only: the list stays at its constant number
    of queries, whatever the page holds.
    """

    rollup = RollupSerializer(
        read_only=True,
        allow_null=True,
        help_text=(
            "Null when the campaign has no children. Otherwise the totals of its children, grandchildren and so on "
            "(not its own planned cost), counting only the campaigns the reader may see and whose team is in the "
            "reader's scope of figures (as in the reports)."
        ),
    )

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "rollup"]


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CloneSerializer(serializers.Serializer):
    """``POST /api/v1/campaigns/{id}/clone/``: the new draft's name and start (and team, the source's by default)."""

    name = serializers.CharField(max_length=200)
    start_date = DateSerializerField()
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True), required=False)


class TemplateSummarySerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="The campaign's length in days.")
    activities = serializers.IntegerField()
    tasks = serializers.IntegerField()
    kpis = serializers.IntegerField()


class CampaignTemplateSerializer(serializers.ModelSerializer):
    """A template of the gallery; created from a campaign one may edit (``campaign``), never edited."""

    campaign = VisibleCampaignField(write_only=True, help_text="The campaign whose plan is saved.")
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    summary = TemplateSummarySerializer(read_only=True)

    class Meta:
        model = CampaignTemplate
        fields = [
            "id",
            "name",
            "description",
            "campaign",
            "source_code",
            "team",
            "confidential",
            "summary",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["source_code", "confidential", "created_at"]


class BulkSerializer(serializers.Serializer):
    """``POST /api/v1/campaigns/bulk/``: the campaigns, the action and what the action needs."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, min_length=1, max_length=500
    )
    action = serializers.ChoiceField(choices=[(a, BulkAction(a).label) for a in CAMPAIGN_BULK_ACTIONS])
    status = serializers.ChoiceField(choices=CampaignStatus.choices, required=False, help_text="For status.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="For status.")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    sponsor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="null clears it."
    )
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True), required=False)
    add_tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    remove_tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    days = serializers.IntegerField(required=False, min_value=-3660, max_value=3660, help_text="For shift_dates.")


class TaskBulkSerializer(serializers.Serializer):
    """``POST /api/v1/tasks/bulk/``: the tasks, the action and what the action needs."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, min_length=1, max_length=500
    )
    action = serializers.ChoiceField(choices=[(a, BulkAction(a).label) for a in TASK_BULK_ACTIONS])
    status = serializers.ChoiceField(choices=["done", "open"], required=False, help_text="For status.")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="null unassigns."
    )
    days = serializers.IntegerField(required=False, min_value=-3660, max_value=3660, help_text="For shift_dates.")


class BulkUndoSerializer(serializers.Serializer):
    batch = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class BulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    error = serializers.CharField(required=False, help_text="Why this campaign was left as it was.")


class BulkResultSerializer(serializers.Serializer):
    results = BulkOutcomeSerializer(many=True)
    batch = serializers.IntegerField(
        allow_null=True, required=False, help_text="The bulk change to undo (null when nothing changed)."
    )


class LaunchRequestedSerializer(serializers.Serializer):
    """The answer when going active opened a launch approval request instead."""

    detail = serializers.CharField()
    approval_request = serializers.IntegerField()


class ActivitySerializer(serializers.ModelSerializer):
    campaign = VisibleCampaignField()
    channel = serializers.PrimaryKeyRelatedField(queryset=Channel.objects.all(), allow_null=True, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    all_day = serializers.BooleanField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "campaign",
            "name",
            "type",
            "channel",
            "description",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "all_day",
            "owner",
            "status",
            "location",
            "url",
            "public",
            "external_ref",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["external_ref", "created_at", "updated_at"]
        list_serializer_class = FastListSerializer


class ChecklistItemSerializer(serializers.ModelSerializer):
    """One step of a task's checklist: ``done`` is ticked by the task's assignee or editors, who and when kept."""

    task = VisibleTaskField()
    position = serializers.IntegerField(min_value=0, max_value=100000, required=False)

    class Meta:
        model = ChecklistItem
        fields = ["id", "task", "position", "text", "done", "done_by", "done_at"]
        read_only_fields = ["done_by", "done_at"]
        list_serializer_class = FastListSerializer


class TaskChecklistItemSerializer(serializers.ModelSerializer):
    """A checklist step as the task shows it."""

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "text", "done", "done_by", "done_at"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    """A deliverable on a campaign or on one of its activities (§3).

    A task of an activity may name just the activity: its campaign is the
    activity's. ``depends_on`` lists tasks of the same campaign that must be
    done first (a cycle is refused); ``checklist`` is read here and written
    through ``/api/v1/checklist-items/``.
    """

    campaign = VisibleCampaignField(required=False)
    activity = VisibleActivityField(allow_null=True, required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    depends_on = VisibleTaskField(many=True, required=False)
    checklist = TaskChecklistItemSerializer(many=True, read_only=True)
    checklist_done = serializers.SerializerMethodField()
    checklist_total = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "campaign",
            "activity",
            "title",
            "assignee",
            "due_date",
            "done",
            "done_at",
            "external_ref",
            "created_at",
            "depends_on",
            "checklist",
            "checklist_done",
            "checklist_total",
        ]
        read_only_fields = ["done_at", "external_ref", "created_at"]
        list_serializer_class = FastListSerializer
        # The one constraint is the import's (campaign, external_ref), read-only here: DRF would turn it into a
        # validator that makes ``campaign`` required, when a task may name just its activity.
        validators: list = []

    def validate(self, attrs):
        if self.instance is None and attrs.get("campaign") is None:
            activity = attrs.get("activity")
            if activity is None:
                raise serializers.ValidationError(
                    {"campaign": [_("Name the campaign, or the activity the task belongs to.")]}
                )
            attrs["campaign"] = activity.campaign
        return attrs

    def get_checklist_done(self, task) -> int:
        return sum(1 for item in task.checklist.all() if item.done)

    def get_checklist_total(self, task) -> int:
        return len(task.checklist.all())


class KPISerializer(serializers.ModelSerializer):
    campaign = VisibleCampaignField()
    label = serializers.CharField(read_only=True)

    class Meta:
        model = KPI
        fields = ["id", "campaign", "metric", "custom_name", "label", "target", "actual", "updated_at"]
        read_only_fields = ["updated_at"]


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CalendarEventSerializer(serializers.Serializer):
    """One event of the marketing calendar (documentation of the feed's shape)."""

    id = serializers.CharField(help_text=_("activity-<id> or campaign-<id>: stable across requests."))
    kind = serializers.ChoiceField(choices=["activity", "campaign"])
    title = serializers.CharField()
    start = serializers.CharField(help_text=_("ISO 8601 date (all-day) or date-time."))
    end = serializers.CharField(help_text=_("Exclusive end: the day after the last day for all-day events."))
    all_day = serializers.BooleanField()
    color = serializers.CharField()
    url = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    channel = serializers.IntegerField(allow_null=True)
    channel_name = serializers.CharField()
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    campaign = CampaignRefSerializer()
    location = serializers.CharField()
    public = serializers.BooleanField()


class ChannelSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Channel
        fields = ["id", "code", "name", "color"]
