"""User-aware scoping for accounts: who may see which users and teams."""

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models


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
