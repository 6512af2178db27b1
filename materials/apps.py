from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["view_material", "view_materialversion"]


class MaterialsConfig(AppConfig):
    """Materials, their versions, previews and online proofing (PRODUCT.md §5)."""

    name = "materials"
    verbose_name = _("Materials")
    default_auto_field = "django.db.models.BigAutoField"

    # Which materials each may touch is decided by Material.objects.visible_to(user)
    # (the campaign's visibility) and materials.permissions (the campaign's editors).
    role_permissions = {
        "marketer": _READ + ["add_material", "change_material", "add_materialversion"],
        "approver": _READ,
        "leadership": _READ,
        "finance": _READ,
    }

    def ready(self):
        from campaigns.panels import CampaignPanel, register_campaign_panel
        from materials import handler, messages

        messages.register()  # notes materials write, rendered in each reader's language

        # Material versions go through the approvals engine; their approvers see confidential campaigns.
        handler.register()
        # The campaign page lists its materials.
        register_campaign_panel(CampaignPanel("materials:campaign_materials", _("Materials"), order=20))
        # §7: materials in review are handed over before their owner leaves.
        from materials import holdings

        holdings.register()
        # Previews whose task was lost are asked for again, then given up (outbox sweeper).
        from materials.services import previews_sweep
        from outbox.sweeper import register_sweep

        register_sweep("materials.previews", previews_sweep)
