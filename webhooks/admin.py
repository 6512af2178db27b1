from django import forms
from django.contrib import admin

from webhooks import signing, targets
from webhooks.models import Webhook, WebhookDelivery, WebhookMessage
from webhooks.services import subscriptions_changed


class WebhookAdminForm(forms.ModelForm):
    """The same SSRF check on the URL as the pages and the API."""

    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ["owner", "name", "url", "events", "is_active", "disabled_reason"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if self.instance.pk is None or url != self.instance.url:
            try:
                targets.check(url)
            except targets.TargetRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return url


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Admins see every subscription; the secret is never shown here (rotate it on the webhook's page)."""

    form = WebhookAdminForm

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

    def save_model(self, request, obj, form, change):
        if not obj.secret:  # made here: its owner rotates it on the webhook's page to read one
            obj.secret = signing.new_secret()
        super().save_model(request, obj, form, change)
        subscriptions_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        subscriptions_changed()


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
