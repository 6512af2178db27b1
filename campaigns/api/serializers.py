"""API shapes (PRODUCT.md §8): snake_case, integer ids, money as decimal strings.

Serializers validate the shape only; writes go through campaigns.services,
which hold the business rules and raise ValidationError/PermissionDenied/
StateConflict for the API handler to turn into 400/403/409.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team, User
from campaigns.choices import CampaignStatus
from campaigns.models import KPI, Activity, Campaign, Channel, Task
from mrm.fast_lists import FastListSerializer


class VisibleCampaignField(serializers.PrimaryKeyRelatedField):
    """A campaign id the requesting user can see; any other id "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        return Campaign.objects.visible_to(request.user) if request else Campaign.objects.none()


class VisibleActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        return Activity.objects.visible_to(request.user) if request else Activity.objects.none()


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


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


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
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = FastListSerializer


class TaskSerializer(serializers.ModelSerializer):
    """A deliverable on a campaign or on one of its activities (§3).

    A task of an activity may name just the activity: its campaign is the
    activity's.
    """

    campaign = VisibleCampaignField(required=False)
    activity = VisibleActivityField(allow_null=True, required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Task
        fields = ["id", "campaign", "activity", "title", "assignee", "due_date", "done", "done_at", "created_at"]
        read_only_fields = ["done_at", "created_at"]
        list_serializer_class = FastListSerializer

    def validate(self, attrs):
        if self.instance is None and attrs.get("campaign") is None:
            activity = attrs.get("activity")
            if activity is None:
                raise serializers.ValidationError(
                    {"campaign": [_("Name the campaign, or the activity the task belongs to.")]}
                )
            attrs["campaign"] = activity.campaign
        return attrs


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
