from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The generic approvals engine: templates, requests, decisions, comments (PRODUCT.md §5)."""

    name = "approvals"
    verbose_name = _("Approvals")
