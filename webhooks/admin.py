from django.contrib import admin

from webhooks.models import Webhook, WebhookDelivery, WebhookMessage


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Admins see every subscription; the secret is never shown here (rotate it on the webhook's page)."""

    list_display = ("name", "url", "owner", "is_active", "consecutive_failures", "created_at")
    list_filter = ("is_active", "created_at")
    search_fields = ("name", "url", "owner__username", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("previous_secret_expires_at", "consecutive_failures", "created_at", "updated_at")
    fields = (
        "owner",
        "name",
        "url",
        "events",
        "is_active",
        "disabled_reason",
        "consecutive_failures",
        "previous_secret_expires_at",
        "created_at",
        "updated_at",
    )


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = ("key", "webhook", "event_type", "object_id", "state", "attempts", "next_attempt_at", "created_at")
    list_filter = ("state", "event_type", "created_at")
    search_fields = ("key", "webhook__name", "webhook__url")
    list_select_related = ("webhook",)
    raw_id_fields = ("webhook",)
    readonly_fields = ("key", "body", "created_at", "delivered_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "webhook", "message", "attempt", "response_status", "succeeded", "duration_ms")
    list_filter = ("succeeded", "manual", "created_at")
    search_fields = ("message__key", "webhook__name", "url", "error")
    list_select_related = ("webhook", "message")
    raw_id_fields = ("webhook", "message")

    def has_change_permission(self, request, obj=None):
        return False
