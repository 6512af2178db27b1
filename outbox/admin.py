"""Outbox messages in the Django admin: what waits for the broker, what failed and why, retry."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import Message
from outbox.services import message_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("task", "args", "state", "attempts", "next_attempt_at", "created_at", "dispatched_at")
    list_filter = ("state", "task")
    search_fields = ("task", "dedupe_key", "key", "last_error")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Message._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected messages now"), permissions=["view"])
    def retry_now(self, request, queryset):
        retried = sum(message_retry(message=message) for message in queryset)
        self.message_user(
            request,
            ngettext("%(count)d message will be retried.", "%(count)d messages will be retried.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
