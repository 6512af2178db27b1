from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Team, User


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
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "role_list", "team_list"]
    list_filter = ["is_active", "is_staff", "groups", "memberships__team", "memberships__is_champion", "language"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("MRM preferences"), {"fields": ("display_name", "language", "time_zone")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_roles_and_teams()

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
