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
from django.db.models import Q, Sum

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


def _approver_request_ids(user):
    """Funding requests whose approval stages the user was (or, as a stand-in, is) assigned to."""
    from approvals.choices import SubjectKind
    from approvals.models import Delegation, StageAssignment

    stand_in_for = Delegation.objects.current().filter(stand_in_id=user.pk).values("approver_id")
    return StageAssignment.objects.filter(
        Q(user_id=user.pk) | Q(user_id__in=stand_in_for),
        stage_state__request__subject_kind=SubjectKind.FUNDING_REQUEST,
    ).values("stage_state__request__object_id")


class FundingRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who reads which funding request (PRODUCT.md §2).

        Finance and admins read every request (money is theirs to oversee);
        marketers read their own teams' campaigns' requests; approvers read
        the requests they were asked to decide; everybody reads what they
        requested themselves. Anything else is a 404.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if _is_finance(user):
            return self.all()
        condition = Q(requested_by_id=user.pk)
        if user.has_role(Role.MARKETER):
            condition |= Q(campaign__team_id__in=user.team_ids)
        if user.has_role(Role.APPROVER):
            condition |= Q(pk__in=_approver_request_ids(user))
        return self.filter(condition)

    def with_related(self):
        return self.select_related("campaign__team", "category", "period__year", "requested_by")

    def funded(self):
        from budgets.choices import FUNDED_STATUSES

        return self.filter(status__in=FUNDED_STATUSES)


class SpendQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commitments and expenses are read by whoever reads their funding request."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if _is_finance(user):
            return self.all()
        from budgets.models import FundingRequest

        return self.filter(funding_request__in=FundingRequest.objects.visible_to(user).values("pk"))

    def with_related(self):
        return self.select_related("funding_request", "campaign", "recorded_by")

    def total(self):
        return self.aggregate(total=Sum("amount"))["total"] or 0
