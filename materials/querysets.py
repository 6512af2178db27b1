"""Who sees which material: exactly those who see its campaign (PRODUCT.md §2).

Materials and their versions are read through ``visible_to(user)``, which
applies the campaign's own visibility rule (``campaigns.querysets``): a
material of a confidential campaign of another team is a 404, like the
campaign itself.
"""

from __future__ import annotations

from django.db import models

from campaigns.querysets import campaign_visibility_q


def _visible(queryset, user, prefix: str):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = campaign_visibility_q(user, prefix)
    return queryset if condition is None else queryset.filter(condition)


class MaterialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Materials of the campaigns the user may read."""
        return _visible(self, user, "campaign__")

    def in_scope(self, scope):
        return scope.restrict(self, "campaign__team")

    def with_list_data(self):
        """What lists and the API show per row, fetched up front."""
        return self.select_related("campaign", "campaign__team", "owner", "latest_version")


class MaterialVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Versions of the materials the user may read."""
        return _visible(self, user, "material__campaign__")

    def in_scope(self, scope):
        return scope.restrict(self, "material__campaign__team")

    def with_list_data(self):
        return self.select_related("material", "uploaded_by")
