"""Materials in the Django admin: searchable and filterable, with history.

Files move only through ``materials.services`` (validated by content, stored
under random names), so versions are read-only here; a material's title can
be corrected.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from materials.models import Material, MaterialVersion


class MaterialVersionInline(admin.TabularInline):
    model = MaterialVersion
    fields = [
        "number",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
        "preview_status",
        "approved_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "kind", "status", "owner", "updated_at"]
    list_filter = ["kind", "status", "campaign__team"]
    search_fields = ["title", "campaign__code", "campaign__name", "owner__username"]
    list_select_related = ["campaign", "owner"]
    readonly_fields = ["campaign", "kind", "status", "owner", "latest_version", "created_at", "updated_at"]
    fields = ["title", *readonly_fields]
    inlines = [MaterialVersionInline]

    def has_add_permission(self, request):
        return False  # through the app or the API, where the file is checked

    def has_delete_permission(self, request, obj=None):
        return False  # approval decisions refer to the versions


@admin.register(MaterialVersion)
class MaterialVersionAdmin(SimpleHistoryAdmin):
    list_display = [
        "material",
        "number",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
        "preview_status",
    ]
    list_filter = ["content_type", "preview_status", "material__kind"]
    search_fields = ["material__title", "original_name", "note"]
    list_select_related = ["material", "uploaded_by"]
    readonly_fields = [
        "material",
        "number",
        "original_name",
        "content_type",
        "size",
        "note",
        "uploaded_by",
        "created_at",
        "previews",
        "preview_status",
        "approved_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
