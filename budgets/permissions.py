"""Who may do what with finance's structure (PRODUCT.md §2).

Reading is scoped by the querysets (:mod:`budgets.querysets`); these
predicates answer the questions about writing, and
:func:`available_actions` tells templates which buttons to draw.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.scope import sees_all_teams


def can_view_budgets(user) -> bool:
    """Every role reads the finance structure: marketers plan against it, approvers decide with it."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*Role.values)))


def can_maintain_budgets(user) -> bool:
    """Finance maintains categories, fiscal periods and allocations (§2); admins may too."""
    return bool(user.is_authenticated and (user.is_mrm_admin or user.has_role(Role.FINANCE)))


def can_read_team_budget(user, team) -> bool:
    """Whose budget figures a user may see: the same rule as ``BudgetAllocation.objects.visible_to``.

    Finance, leadership and admins read every team's budget; anyone else
    with a role reads only their own teams' — so the request form's live
    budget panel never shows another team's money.
    """
    if not _active(user):
        return False
    if sees_all_teams(user):
        return True
    return can_view_budgets(user) and team.pk in user.team_ids


def can_import_actuals(user) -> bool:
    """Accounting exports and the unmapped queue are finance's work (§4)."""
    return can_maintain_budgets(user)


def require_budget_reader(user) -> None:
    if not can_view_budgets(user):
        raise PermissionDenied(_("Budgets are available to marketers, approvers, finance and administrators."))


def require_budget_maintainer(user) -> None:
    if not can_maintain_budgets(user):
        raise PermissionDenied(_("Only finance and administrators maintain budgets, categories and periods."))


def available_actions(user) -> frozenset[str]:
    """The budget actions this user may take, for templates to draw buttons from."""
    actions = set()
    if can_view_budgets(user):
        actions.add("view")
    if can_maintain_budgets(user):
        actions.update(
            {"edit_structure", "edit_allocations", "import", "import_actuals", "work_queue", "review_funding"}
        )
    if can_view_budgets(user):
        actions.add("funding_requests")
    return frozenset(actions)


# --- funding requests, commitments and expenses (§2, §4) ---------------------------


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_request_funding(user, campaign) -> bool:
    """Marketers ask money for their own teams' campaigns; admins for any (§2)."""
    if not _active(user):
        return False
    return user.is_mrm_admin or (user.has_role(Role.MARKETER) and campaign.team_id in user.team_ids)


def can_ask_for_money(user) -> bool:
    """Who gets the request form at all: marketers with a team, and admins."""
    if not _active(user):
        return False
    return user.is_mrm_admin or (user.has_role(Role.MARKETER) and bool(user.team_ids))


def can_edit_funding_request(user, funding_request) -> bool:
    """The campaign's team (and admins) change a request while it is a draft or withdrawn."""
    from budgets.choices import EDITABLE_STATUSES

    return funding_request.status in EDITABLE_STATUSES and can_request_funding(user, funding_request.campaign)


def can_withdraw_funding_request(user, funding_request) -> bool:
    """The requester's team (and admins) withdraw a draft or a request waiting for its decision."""
    from budgets.choices import FundingRequestStatus

    return funding_request.status in (
        FundingRequestStatus.DRAFT,
        FundingRequestStatus.SUBMITTED,
    ) and can_request_funding(user, funding_request.campaign)


def can_record_spend(user, campaign) -> bool:
    """Finance records commitments and expenses for any campaign, marketers for their own teams' (§2)."""
    if not _active(user):
        return False
    if can_maintain_budgets(user):
        return True
    return user.has_role(Role.MARKETER) and campaign.team_id in user.team_ids


def can_record_negative_spend(user) -> bool:
    """Refunds and corrections (negative amounts) are accounting's: finance and admins only."""
    return can_maintain_budgets(user)


def can_review_funding(user) -> bool:
    """The review queue is finance's (admins too): everything needed to decide on requests."""
    return can_maintain_budgets(user)


def funding_request_actions(funding_request, user) -> dict:
    """The buttons to draw on a funding request for this user."""
    funded = funding_request.is_funded
    spend = funded and can_record_spend(user, funding_request.campaign)
    return {
        "edit": can_edit_funding_request(user, funding_request),
        "submit": can_edit_funding_request(user, funding_request),
        "withdraw": can_withdraw_funding_request(user, funding_request),
        "add_commitment": spend,
        "add_expense": spend,
    }


def require(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)
