from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The import engine (STYLE.md): upload, job, limits, stored plan, preview, confirm.

    A generic engine on a low floor: it knows files, jobs and rows, never
    budgets or campaigns. Domain apps register their importers
    (:mod:`imports.registry`) in their own ``ready()``.
    """

    name = "imports"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from imports.services import import_jobs_sweep
        from outbox.sweeper import register_sweep

        register_sweep("imports.jobs", import_jobs_sweep)
