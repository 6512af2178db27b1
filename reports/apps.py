from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards, reports, exports and subscriptions (PRODUCT.md §6)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports.definitions import register_reports

        register_reports()
