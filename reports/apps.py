from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards, reports, exports and subscriptions (PRODUCT.md §6)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.backends.signals import connection_created

        from reports import messages
        from reports.sqlite import register_median

        connection_created.connect(register_median, dispatch_uid="reports.sqlite_median")

        messages.register()  # why a background run failed, in each reader's language
        from reports.definitions import register_reports

        register_reports()
        from reports.adoption import register_adoption_reports

        register_adoption_reports()
        # §7: subscriptions are handed over before their owner leaves; the orphans report lists what was not.
        from reports import holdings, orphans

        holdings.register()
        orphans.register_orphans_report()
        # Runs stuck past their limit (a worker killed mid-export) are restarted or failed (outbox sweeper).
        from outbox.sweeper import register_sweep
        from reports.services import report_runs_sweep

        register_sweep("reports.runs", report_runs_sweep)
