from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications (the bell) and their e-mails with a deep link (PRODUCT.md §5).

    A generic engine on the approvals floor: it knows recipients, titles and
    links, never campaigns or budgets.
    """

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "marketer": ["view_notification"],
        "approver": ["view_notification"],
        "leadership": ["view_notification"],
        "finance": ["view_notification"],
    }
