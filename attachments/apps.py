from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files attached to any object an app registers (issue 18 item 3): briefs, quotes, contracts, invoices.

    A generic engine on the approvals floor, beside comments: it knows targets
    by their kind and id through a registry the domain apps fill (campaigns
    registers campaigns, activities and tasks; budgets funding requests,
    commitments and expenses), never a campaign itself. Who reads the object
    reads its attachments; who may edit it attaches and removes them.
    """

    name = "attachments"
    verbose_name = _("Attachments")
    default_auto_field = "django.db.models.BigAutoField"

    # Which objects each may touch is decided by the registered targets' own scope and predicates.
    role_permissions = {
        "marketer": ["view_attachment", "add_attachment"],
        "approver": ["view_attachment"],
        "leadership": ["view_attachment"],
        "finance": ["view_attachment", "add_attachment"],
    }
