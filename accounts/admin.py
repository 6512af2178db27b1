from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.holdings import deactivation_blockers
from accounts.models import Membership, Team, User
from accounts.services import deactivation_refusal, user_deactivate


class MRMUserChangeForm(UserChangeForm):
    """Unchecking "active" for someone who still holds things is refused with the list (§7)."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_active and cleaned.get("is_active") is False:
            held = deactivation_blockers(self.instance)
            if held:
                raise ValidationError({"is_active": deactivation_refusal(self.instance, held)})
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]


class TeamMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = MRMUserChangeForm
    inlines = [MembershipInline]
    actions = ["deactivate_users"]
    list_display = [
        "username",
        "display_name",
        "email",
        "is_active",
        "is_staff",
        "role_list",
        "team_list",
        "last_seen_at",
    ]
    list_filter = ["is_active", "is_staff", "groups", "memberships__team", "memberships__is_champion", "language"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("MRM preferences"), {"fields": ("display_name", "language", "time_zone", "last_seen_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_roles_and_teams()

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "last_seen_at"]

    def save_model(self, request, obj, form, change):
        """Deactivation goes through ``user_deactivate`` (the one place that checks holdings)."""
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.is_active = True  # the service decides, on the row as it is in the database
            user_deactivate(user=obj, by=request.user)
            obj.is_active = False
            obj._holdings_checked = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Deactivate selected users (refused for those who still hold something)"))
    def deactivate_users(self, request, queryset):
        done, refused = 0, []
        for user in queryset:
            try:
                user_deactivate(user=user, by=request.user)
            except ValidationError as exc:
                refused.extend(exc.messages)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d user was deactivated.", "%(count)d users were deactivated.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(sorted(obj.roles))

    @admin.display(description=_("teams"))
    def team_list(self, obj):
        return ", ".join(sorted(m.team.name for m in obj.memberships.all()))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "is_champion", "is_lead"]
    list_filter = ["team", "is_champion", "is_lead"]
    search_fields = ["user__username", "user__display_name", "team__name"]
    autocomplete_fields = ["user", "team"]
