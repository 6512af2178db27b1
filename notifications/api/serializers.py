from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """A notification as the reader reads it: ``title`` and ``body`` rendered in the request's language.

    ``message_key`` and ``params`` are what is stored (for integrations that
    render themselves); ``body_html`` is the body for a page (Markdown answers
    sanitised); ``resolution`` says why a resolved one no longer asks anything.
    """

    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)
    body_html = serializers.CharField(read_only=True)
    params = serializers.JSONField(read_only=True)
    actor_name = serializers.CharField(source="actor.full_name", read_only=True, default=None, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)
    is_resolved = serializers.BooleanField(read_only=True)
    resolution = serializers.CharField(read_only=True)
    absolute_url = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "message_key",
            "params",
            "title",
            "body",
            "body_html",
            "url",
            "absolute_url",
            "actor",
            "actor_name",
            "created_at",
            "read_at",
            "is_read",
            "resolved_at",
            "is_resolved",
            "resolution",
        )
        read_only_fields = fields


class MarkAllReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
