from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.choices import TokenStatus
from accounts.holdings import deactivation_blockers
from accounts.models import ApiToken, Membership, Team, User
from accounts.services import deactivation_refusal, user_deactivate
from accounts.tokens import token_revoke, user_tokens_revoke


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
    actions = ["deactivate_users", "revoke_api_tokens"]
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
        (_("Single sign-on"), {"fields": ("sso_subject",)}),
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

    @admin.action(description=_("Revoke every API token of the selected users"))
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(user_tokens_revoke(user=user, by=request.user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d API token was revoked.", "%(count)d API tokens were revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )

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


class TokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return TokenStatus.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == TokenStatus.ACTIVE:
            return queryset.in_force(now)
        if self.value() == TokenStatus.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == TokenStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens, to revoke a leaked one or a leaver's; keys are never shown (only hashes are kept).

    Tokens are issued by their owners (profile page, ``POST /api/v1/auth/token/``)
    and never edited or deleted here: revoking keeps the record of who and when.
    """

    list_display = ["name", "user", "prefix", "status_badge", "created_at", "last_used_at", "expires_at", "revoked_by"]
    list_filter = [TokenStatusFilter, "expires_at"]
    search_fields = ["name", "prefix", "user__username", "user__display_name", "user__email"]
    list_select_related = ["user", "revoked_by"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke_tokens"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Revoking needs only the view permission of the model plus being an MRM admin (tokens.can_revoke_tokens_of).
        actions = super().get_actions(request)
        if not request.user.is_mrm_admin:
            actions.pop("revoke_tokens", None)
        return actions

    @admin.display(description=_("status"))
    def status_badge(self, obj):
        return obj.status.label

    @admin.action(description=_("Revoke selected API tokens"))
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            token_revoke(token=token, by=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d API token was revoked.", "%(count)d API tokens were revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
