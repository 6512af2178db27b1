from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outgoing webhooks (issue 17.3): events of the domain apps, signed and delivered with retries.

    It stands above every app whose events it carries and is imported by none
    of them: they publish through ``outbox.events`` and this app listens.
    Managing webhooks takes the admin role or the ``webhooks.add_webhook``
    permission (an admin grants it to an integration user in the Django admin).
    """

    name = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outbox.events import listen
        from webhooks import messages, services

        messages.register()
        listen(services.on_event)
