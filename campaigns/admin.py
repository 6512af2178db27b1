"""Django admin for campaigns and the calendar, with search, filters and history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from campaigns import services
from campaigns.models import (
    KPI,
    Activity,
    CalendarFeed,
    Campaign,
    CampaignGroupObjectPermission,
    CampaignTemplate,
    CampaignTransition,
    CampaignUserObjectPermission,
    Channel,
    Task,
)

# Activities, tasks and KPIs saved or deleted in the admin (on their own pages
# or inline on a campaign) go through the same services as everywhere else:
# same checks, same history with the acting user, same derived fields.
PART_SERVICES = {
    Activity: (services.activity_create, services.activity_update, services.activity_delete, "activity"),
    Task: (services.task_create, services.task_update, services.task_delete, "task"),
    KPI: (services.kpi_create, services.kpi_update, services.kpi_delete, "kpi"),
}
PART_FIELDS = {Activity: services.ACTIVITY_FIELDS, Task: services.TASK_FIELDS, KPI: services.KPI_FIELDS}


def save_part(obj, by):
    create, update, _delete, name = PART_SERVICES[type(obj)]
    data = {field: getattr(obj, field) for field in PART_FIELDS[type(obj)]}
    creating = obj.pk is None
    saved = create(campaign=obj.campaign, by=by, **data) if creating else update(**{name: obj}, by=by, **data)
    # The admin goes on with its own object (log entry, message, redirect).
    obj.pk = saved.pk
    obj._state.adding = False
    return saved


def delete_part(obj, by):
    _create, _update, delete, name = PART_SERVICES[type(obj)]
    delete(**{name: obj}, by=by)


class PartAdmin(SimpleHistoryAdmin):
    """An activity, task or KPI: written through its service; it never moves to another campaign."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["campaign"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        save_part(obj, request.user)

    def delete_model(self, request, obj):
        delete_part(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("campaign"):
            delete_part(obj, request.user)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "color", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["name", "type", "channel", "start_date", "end_date", "status", "public"]
    show_change_link = True


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "assignee", "due_date", "done"]
    autocomplete_fields = ["assignee"]


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0


class TransitionInline(admin.TabularInline):
    model = CampaignTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "team",
        "status",
        "owner",
        "sponsor",
        "start_date",
        "end_date",
        "planned_cost",
        "confidential",
    ]
    list_filter = ["status", "team", "confidential", "channels", "start_date"]
    search_fields = ["code", "name", "description", "tags", "owner__username", "owner__display_name"]
    autocomplete_fields = ["team", "owner", "sponsor", "parent"]
    filter_horizontal = ["channels"]
    readonly_fields = ["status", "status_before_hold", "created_by", "created_at", "updated_at"]
    date_hierarchy = "start_date"
    inlines = [ActivityInline, TaskInline, KPIInline, TransitionInline]
    list_select_related = ["team", "owner", "sponsor"]

    def save_model(self, request, obj, form, change):
        """Admin edits go through the same services as every other write."""
        data = {field: form.cleaned_data[field] for field in services.CAMPAIGN_FIELDS if field in form.cleaned_data}
        if change:
            saved = services.campaign_update(campaign=obj, by=request.user, **data)
        else:
            saved = services.campaign_create(by=request.user, **data)
        obj.pk = saved.pk
        obj.code = saved.code

    def save_related(self, request, form, formsets, change):
        form.instance = Campaign.objects.get(pk=form.instance.pk)
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        """Inline activities, tasks and KPIs go through their services too."""
        if formset.model not in PART_SERVICES:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_part(obj, request.user)
        for obj in instances:
            obj.campaign = form.instance
            save_part(obj, request.user)
        formset.save_m2m()


@admin.register(Activity)
class ActivityAdmin(PartAdmin):
    list_display = ["name", "campaign", "type", "channel", "start_date", "end_date", "status", "public"]
    list_filter = ["type", "status", "public", "channel", "campaign__team"]
    search_fields = ["name", "location", "campaign__code", "campaign__name"]
    autocomplete_fields = ["campaign", "owner"]
    list_select_related = ["campaign", "channel"]


@admin.register(Task)
class TaskAdmin(PartAdmin):
    # Dependencies are checked for cycles by services.task_set_dependencies: set on the task's form, not here.
    exclude = ["depends_on"]
    list_display = ["title", "campaign", "assignee", "due_date", "done"]
    list_filter = ["done", "campaign__team"]
    search_fields = ["title", "campaign__code", "campaign__name"]
    autocomplete_fields = ["campaign", "activity", "assignee"]
    list_select_related = ["campaign", "assignee"]


@admin.register(KPI)
class KPIAdmin(PartAdmin):
    list_display = ["campaign", "metric", "custom_name", "target", "actual"]
    list_filter = ["metric"]
    search_fields = ["campaign__code", "campaign__name", "custom_name"]
    autocomplete_fields = ["campaign"]
    list_select_related = ["campaign"]


@admin.register(CampaignTransition)
class CampaignTransitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["campaign__code", "campaign__name", "note"]
    readonly_fields = ["campaign", "from_status", "to_status", "by", "at", "note"]
    list_select_related = ["campaign", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "owner__username"]
    readonly_fields = ["token", "created_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected feeds"))
    def revoke(self, request, queryset):
        for feed in queryset:
            services.calendar_feed_revoke(feed=feed, by=request.user)


@admin.register(CampaignUserObjectPermission)
class CampaignUserObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ["content_object", "user", "permission"]
    search_fields = ["content_object__code", "content_object__name", "user__username"]
    autocomplete_fields = ["content_object", "user"]
    list_select_related = ["content_object", "user", "permission"]


@admin.register(CampaignGroupObjectPermission)
class CampaignGroupObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ["content_object", "group", "permission"]
    search_fields = ["content_object__code", "content_object__name", "group__name"]
    autocomplete_fields = ["content_object"]
    list_select_related = ["content_object", "group", "permission"]


@admin.register(CampaignTemplate)
class CampaignTemplateAdmin(SimpleHistoryAdmin):
    """The template gallery, to look through and prune; templates are saved from campaigns, never edited."""

    list_display = ["name", "team", "confidential", "source_code", "created_by", "created_at"]
    list_filter = ["team", "confidential"]
    search_fields = ["name", "description", "source_code"]
    readonly_fields = ["team", "confidential", "source_code", "blueprint", "created_by", "created_at"]
    list_select_related = ["team", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.campaign_template_delete(template=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for template in queryset:
            services.campaign_template_delete(template=template, by=request.user)
