from django.contrib import admin

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are read (and, when they must go, deleted) here; they are written on the objects' pages."""

    list_display = ["target_type", "target_id", "author", "created_at"]
    list_filter = ["target_type"]
    search_fields = ["body", "author__username"]
    readonly_fields = ["target_type", "target_id", "body", "author", "mentions", "created_at"]
    list_select_related = ["author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
