from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    """Attachments are read here, with their history; they are attached and removed on the objects' pages."""

    list_display = ["name", "target_type", "target_id", "size", "uploaded_by", "uploaded_at", "removed_at"]
    list_filter = ["target_type", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "uploaded_by__username"]
    readonly_fields = [
        "target_type",
        "target_id",
        "file",
        "name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
        "removed_by",
    ]
    list_select_related = ["uploaded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
