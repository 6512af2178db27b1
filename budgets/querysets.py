"""Who sees which finance data (PRODUCT.md §2), decided here and nowhere else.

- Fiscal years, periods and expense categories are the organisation's
  shared vocabulary: every user holding an MRM role reads them.
- Budget allocations, funding requests, commitments and expenses: finance,
  leadership and admins read all of them (:func:`accounts.scope.sees_all_teams`);
  everyone else with a role reads their own teams' (a marketer plans with
  them, an approver of the team sees what the team spends). Another team's
  allocation is a 404 for them. An approver also reads the funding requests
  he is asked to decide, and everyone reads what he requested himself.
- Import sources and imports are finance's working material: finance and
  admins only. Accounting lines are actual spend: leadership reads them too.

Reports add these up over one scope per viewer (``in_scope``, see
:mod:`accounts.scope`), always inside what ``visible_to`` allows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum

from accounts.choices import Role
from accounts.scope import sees_all_teams


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


class TeamScopedQuerySet(models.QuerySet):
    """Money rows that belong to a team through ``team_path``; ``in_scope`` keeps a viewer's teams."""

    team_path = "team"

    def in_scope(self, scope):
        """The rows a report adds up for a viewer of ``scope`` (:mod:`accounts.scope`)."""
        return scope.restrict(self, self.team_path)


class BudgetAllocationQuerySet(TeamScopedQuerySet):
    def visible_to(self, user):
        """All allocations for finance, leadership and admins; their own teams' for anyone else with a role."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_teams(user):
            return self.all()
        if _holds_any_role(user):
            return self.filter(team_id__in=user.team_ids)
        return self.none()

    def with_related(self):
        return self.select_related("period__year", "team", "category")

    def total(self):
        return self.aggregate(total=Sum("amount"))["total"]


class ActualLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounting lines are actual spend: finance and admins work them, leadership reads them."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all() if sees_all_teams(user) else self.none()

    def with_related(self):
        return self.select_related("source", "batch", "category")


def _approver_of(user):
    """EXISTS: the funding request's approval stages were (or, as a stand-in, are) assigned to the user.

    Correlated on the funding request, so the database probes the request's
    own approvals instead of collecting every request the user ever approved.
    """
    from approvals.choices import SubjectKind
    from approvals.models import Delegation, StageAssignment

    stand_in_for = Delegation.objects.current().filter(stand_in_id=user.pk).values("approver_id")
    return Exists(
        StageAssignment.objects.filter(
            Q(user_id=user.pk) | Q(user_id__in=stand_in_for),
            stage_state__request__subject_kind=SubjectKind.FUNDING_REQUEST,
            stage_state__request__object_id=OuterRef("pk"),
        )
    )


class FundingRequestQuerySet(TeamScopedQuerySet):
    team_path = "campaign__team"

    def visible_to(self, user):
        """Who reads which funding request (PRODUCT.md §2).

        Finance, leadership and admins read every request (money is theirs
        to oversee); anyone with a role reads their own teams' campaigns'
        requests; approvers read the requests they were asked to decide;
        everybody reads what they requested themselves. Anything else is a 404.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_teams(user):
            return self.all()
        condition = Q(requested_by_id=user.pk)
        if _holds_any_role(user):
            condition |= Q(campaign__team_id__in=user.team_ids)
        if user.has_role(Role.APPROVER):
            condition |= Q(_approver_of(user))
        return self.filter(condition)

    def with_related(self):
        return self.select_related("campaign__team", "category", "period__year", "requested_by")

    def funded(self):
        from budgets.choices import FUNDED_STATUSES

        return self.filter(status__in=FUNDED_STATUSES)


class SpendQuerySet(TeamScopedQuerySet):
    team_path = "campaign__team"

    def visible_to(self, user):
        """Commitments and expenses are read by whoever reads their funding request."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_teams(user):
            return self.all()
        from budgets.models import FundingRequest

        return self.filter(funding_request__in=FundingRequest.objects.visible_to(user).values("pk"))

    def with_related(self):
        return self.select_related("funding_request", "campaign", "recorded_by")

    def total(self):
        return self.aggregate(total=Sum("amount"))["total"] or 0
