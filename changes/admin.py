"""Change requests in the Django admin: searchable and filterable, with history.

Status moves only through ``changes.services`` (the pages and the API), so
the decision fields are read-only here; the admin is where the administrator
makes the configuration change itself.
"""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from changes.models import AffectedTeam, ChangeRequest


class AffectedTeamInline(admin.TabularInline):
    model = AffectedTeam
    fields = ["team", "status", "by", "at", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "summary",
        "target_kind",
        "workflow_template",
        "expense_category",
        "field_name",
        "status",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status", "target_kind", "overridden"]
    search_fields = ["what", "why", "requested_by__username", "workflow_template__name", "expense_category__code"]
    list_select_related = ["requested_by", "workflow_template", "expense_category"]
    readonly_fields = [
        "requested_by",
        "target_kind",
        "workflow_template",
        "expense_category",
        "field_name",
        "status",
        "affected_users",
        "created_at",
        "last_activity_at",
        "stale_asked_at",
        "stale_confirmed_at",
        "stale_confirmation",
        "decided_by",
        "decided_at",
        "decision_note",
        "overridden",
    ]
    readonly_fields = ["what", "why", *readonly_fields]
    inlines = [AffectedTeamInline]

    @admin.display(description=_("the change wanted"))
    def summary(self, obj) -> str:
        return Truncator(obj.what).chars(80)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record is kept (§7): a request nobody needs is withdrawn, not deleted
