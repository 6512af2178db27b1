"""Notifications in the Django admin: read-only, for support (who was told what, when)."""

from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "message_key", "created_at", "read_at", "resolved_at", "emailed_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "body", "message_key", "subject_key", "recipient__username", "recipient__display_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
