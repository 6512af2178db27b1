from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from webhooks.choices import EventType
from webhooks.models import Webhook, WebhookDelivery


class WebhookSerializer(serializers.ModelSerializer):
    """A subscription; the secret is never shown again after creation (rotate to get a new one)."""

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        min_length=1,
        max_length=len(EventType.values),
        help_text=format_lazy("{}{}", _("The events to receive: "), ", ".join(EventType.values)),
    )
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    previous_secret_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "name",
            "url",
            "events",
            "is_active",
            "owner",
            "consecutive_failures",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_reason", "created_at", "updated_at"]


class WebhookSecretSerializer(WebhookSerializer):
    """The answer to a creation or a rotation: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True, help_text=_("whsec_…: keep it; it is not shown again."))

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One attempt: what was sent (headers, body), what came back, how long it took."""

    message_id = serializers.CharField(source="message.key", read_only=True, help_text="The webhook-id header.")
    event_type = serializers.CharField(source="message.event_type", read_only=True)
    message_state = serializers.CharField(source="message.state", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "message_id",
            "event_type",
            "message_state",
            "attempt",
            "url",
            "request_headers",
            "request_body",
            "response_status",
            "response_body",
            "duration_ms",
            "error",
            "succeeded",
            "manual",
            "created_at",
        ]
        read_only_fields = fields


class RedeliveredSerializer(serializers.Serializer):
    detail = serializers.CharField()
    message_id = serializers.CharField()
