from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.full_name", read_only=True, default=None, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)
    absolute_url = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "title",
            "body",
            "url",
            "absolute_url",
            "actor",
            "actor_name",
            "created_at",
            "read_at",
            "is_read",
        )
        read_only_fields = fields


class MarkAllReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
