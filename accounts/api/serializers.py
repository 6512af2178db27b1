from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import TokenStatus
from accounts.models import ApiToken, Team, User
from accounts.tokens import NAME_MAX_LENGTH


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "slug", "description", "is_active"]


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class UserSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "roles", "teams", "language", "time_zone", "is_active"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)

    @extend_schema_field(TeamRefSerializer(many=True))
    def get_teams(self, user) -> list[dict]:
        # memberships__team is prefetched by the viewset: no query per user.
        teams = sorted((m.team for m in user.memberships.all()), key=lambda team: team.name)
        return TeamRefSerializer(teams, many=True).data


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Username"))
    password = serializers.CharField(label=_("Password"), style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        label=_("Token name"),
        required=False,
        allow_blank=True,
        max_length=NAME_MAX_LENGTH,
        help_text=_('Which integration holds the token (default "Token").'),
    )


class TokenSerializer(serializers.Serializer):
    """A token just issued: ``token`` is the key, shown this once; the rest describes it."""

    token = serializers.CharField(read_only=True, help_text=_("The key: send it as `Authorization: Token <key>`."))
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the caller's tokens; the key itself is never shown again, only how it begins."""

    status = serializers.ChoiceField(choices=TokenStatus.choices, read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "status"]
        read_only_fields = fields


class HandoverRequestSerializer(serializers.Serializer):
    """Who takes over: one person for everything (``to_user``) and/or one per kind (``assignments``)."""

    to_user = serializers.IntegerField(required=False, allow_null=True, help_text=_("The new holder of every kind."))
    assignments = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_('A new holder per kind of holding, e.g. {"campaigns.owned": 12}; wins over to_user.'),
    )
    deactivate = serializers.BooleanField(required=False, default=False, help_text=_("Deactivate the user afterwards."))

    def validate(self, attrs):
        if attrs.get("to_user") is None and not attrs.get("assignments"):
            raise serializers.ValidationError({"to_user": [_("Name who takes over (to_user or assignments).")]})
        return attrs


class HandoverMoveSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    to_user = serializers.IntegerField()
    count = serializers.IntegerField()
    items = serializers.ListField(child=serializers.CharField())


class HandoverSummarySerializer(serializers.Serializer):
    user = serializers.IntegerField()
    moved = HandoverMoveSerializer(many=True)
    total = serializers.IntegerField()
    deactivated = serializers.BooleanField()


class HoldingSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField(help_text=_("What handing this kind over does, when it needs saying."))
    count = serializers.IntegerField()
    blocking = serializers.IntegerField(help_text=_("How many of the items keep the user from being deactivated."))
    items = serializers.ListField(child=serializers.CharField())


class UserHoldingsSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    total = serializers.IntegerField()
    holdings = HoldingSerializer(many=True)
