from django.contrib import admin

from imports.models import ImportJob, ImportMapping


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs are read here; uploading, confirming and retrying happen on the import pages and API."""

    list_display = ["file_name", "kind", "status", "progress", "created_by", "created_at", "applied_at", "undone_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256", "error"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False  # a file goes through its importer's checks and the dry run first

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    """Remembered column mappings; an admin may delete one that maps a source wrongly (it is saved again on use)."""

    list_display = ["kind", "source", "fingerprint", "updated_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["source", "fingerprint"]
    list_select_related = ["updated_by"]
    readonly_fields = [field.name for field in ImportMapping._meta.fields]

    def has_add_permission(self, request):
        return False  # saved by the mapping step
