from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Side effects recorded in the write's transaction and dispatched by a relay (docs/ARCHITECTURE.md).

    A generic engine on the lowest floor above the platform: it knows Celery
    task names and JSON arguments, never campaigns, budgets or people. Apps
    record what must happen after their write (``outbox.services.enqueue``)
    and register sweeps for their own job rows (``outbox.sweeper``).
    """

    name = "outbox"
    verbose_name = _("Outbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from mrm.health import register_health_check
        from outbox.health import check_outbox

        register_health_check("outbox", check_outbox)
