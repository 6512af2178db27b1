from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    """Fiscal periods, categories, allocations, funding requests and spend (PRODUCT.md §4)."""

    name = "budgets"
    verbose_name = _("Budgets")
