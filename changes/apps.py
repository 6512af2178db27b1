from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    """Change requests for configuration: who it affects, their acknowledgements, the decision (PRODUCT.md §7)."""

    name = "changes"
    verbose_name = _("Change requests")
    default_auto_field = "django.db.models.BigAutoField"

    # Which change requests each may read is decided by ChangeRequest.objects.visible_to(user)
    # (requester, members of affected teams, admins) and what they may do by changes.permissions.
    role_permissions = {
        "marketer": ["view_changerequest", "add_changerequest"],
        "approver": ["view_changerequest", "add_changerequest"],
        "leadership": ["view_changerequest", "add_changerequest"],
        "finance": ["view_changerequest", "add_changerequest"],
    }

    def ready(self):
        from changes import messages

        messages.register()  # what change requests say, rendered in each reader's language
