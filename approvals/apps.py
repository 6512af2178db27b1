from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["view_workflowtemplate", "view_stage", "view_approvalrequest", "view_decision", "view_comment"]


class ApprovalsConfig(AppConfig):
    """The generic approvals engine: templates, requests, decisions, comments (PRODUCT.md §5).

    It knows no campaign and no budget: apps owning subjects register a
    handler per subject kind (``approvals.registry``) in their ``ready()``.
    """

    name = "approvals"
    verbose_name = _("Approvals")
    default_auto_field = "django.db.models.BigAutoField"

    # Which requests a role sees is decided by ApprovalRequest.objects.visible_to.
    role_permissions = {
        "marketer": _READ + ["add_comment", "view_delegation", "add_delegation"],
        "approver": _READ + ["add_comment", "add_decision", "view_delegation", "add_delegation"],
        "leadership": _READ + ["add_comment", "add_decision", "view_delegation", "add_delegation"],
        "finance": _READ + ["add_comment", "add_decision", "view_delegation", "add_delegation"],
    }

    def ready(self):
        from approvals import holdings, messages

        # What the engine says, rendered in each reader's language (mrm.messages).
        messages.register()
        # §7: open stages, stand-ins and open requests are handed over before their holder leaves.
        holdings.register()
