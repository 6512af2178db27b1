"""User-aware scoping for accounts: who may see which users and teams."""

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Teams are organisation-wide knowledge: any signed-in user sees them."""
        if not user.is_authenticated:
            return self.none()
        return self.all()


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Colleagues are visible to signed-in users (to pick owners and approvers)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(is_active=True) if not user.is_staff else self.all()

    def with_roles_and_teams(self):
        """Prefetch what ``roles`` and ``teams`` read, so lists cost no extra query per row."""
        return self.prefetch_related("groups", "memberships__team")

    def with_role(self, role: str):
        return self.filter(groups__name=role, is_active=True)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees his own tokens only (in force or expired), never another's, nor revoked ones.

        A token is a credential: nobody else needs to know it exists. Admins
        revoke anyone's in the Django admin and by deactivating the user.
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, revoked_at__isnull=True)

    def in_force(self, now=None):
        """Tokens that still authenticate: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())
