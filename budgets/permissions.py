"""Who may do what with finance's structure (PRODUCT.md §2).

Reading is scoped by the querysets (:mod:`budgets.querysets`); these
predicates answer the questions about writing, and
:func:`available_actions` tells templates which buttons to draw.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.choices import Role


def can_view_budgets(user) -> bool:
    """Every role reads the finance structure: marketers plan against it, approvers decide with it."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*Role.values)))


def can_maintain_budgets(user) -> bool:
    """Finance maintains categories, fiscal periods and allocations (§2); admins may too."""
    return bool(user.is_authenticated and (user.is_mrm_admin or user.has_role(Role.FINANCE)))


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
        actions.update({"edit_structure", "edit_allocations", "import", "import_actuals", "work_queue"})
    return frozenset(actions)
