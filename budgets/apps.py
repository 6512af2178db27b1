from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_STRUCTURE = ["fiscalyear", "fiscalperiod", "expensecategory", "budgetallocation"]
_FINANCE_ONLY = ["importsource", "importbatch", "actualline"]


class BudgetsConfig(AppConfig):
    """Fiscal periods, categories, allocations, funding requests and spend (PRODUCT.md §4)."""

    name = "budgets"
    verbose_name = _("Budgets")
    default_auto_field = "django.db.models.BigAutoField"

    # §2: finance maintains categories, periods and allocations and works the
    # accounting imports; marketers and approvers read the structure (which
    # allocations they see is decided by BudgetAllocation.objects.visible_to).
    role_permissions = {
        "finance": [
            f"{action}_{model}"
            for model in _STRUCTURE + _FINANCE_ONLY
            for action in ("add", "change", "delete", "view")
        ],
        "marketer": [f"view_{model}" for model in _STRUCTURE],
        "approver": [f"view_{model}" for model in _STRUCTURE],
    }
