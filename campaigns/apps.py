from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Campaigns, activities, tasks, KPIs, materials and the calendar (PRODUCT.md §3)."""

    name = "campaigns"
    verbose_name = _("Campaigns")
