"""Who sees which finance data (PRODUCT.md §2), decided here and nowhere else.

- Fiscal years, periods and expense categories are the organisation's
  shared vocabulary: every user holding an MRM role reads them.
- Budget allocations: finance, admins and approvers read all of them (they
  decide on money across teams); a marketer reads only the allocations of
  their own teams. Another team's allocation is a 404 for a marketer.
- Import sources, imports and accounting lines are finance's working
  material: finance and admins only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Sum

from accounts.choices import Role


def _holds_any_role(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*Role.values))


def _is_finance(user) -> bool:
    return user.is_authenticated and (user.is_mrm_admin or user.has_role(Role.FINANCE))


class FinanceStructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Years, periods and categories: readable by everyone with a role."""
        return self.all() if _holds_any_role(user) else self.none()


class FinanceOnlyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Finance's working material: finance and admins only."""
        return self.all() if _is_finance(user) else self.none()


class BudgetAllocationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All allocations for finance, admins and approvers; own teams' for marketers."""
        if not user.is_authenticated:
            return self.none()
        if _is_finance(user) or user.has_role(Role.APPROVER):
            return self.all()
        if user.has_role(Role.MARKETER):
            return self.filter(team_id__in=user.team_ids)
        return self.none()

    def with_related(self):
        return self.select_related("period__year", "team", "category")

    def total(self):
        return self.aggregate(total=Sum("amount"))["total"]


class ActualLineQuerySet(FinanceOnlyQuerySet):
    def with_related(self):
        return self.select_related("source", "batch", "category")
