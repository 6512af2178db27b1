from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Discussion on any object an app registers (issue 18 item 5): comments with @mentions.

    A generic engine on the approvals floor: it knows targets by their kind and
    id through a registry the domain apps fill (campaigns registers campaigns,
    activities and tasks), never a campaign itself. A comment is talk: it never
    changes the state of what it is about, as on approvals.
    """

    name = "comments"
    verbose_name = _("Comments")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "marketer": ["view_comment", "add_comment"],
        "approver": ["view_comment", "add_comment"],
        "leadership": ["view_comment", "add_comment"],
        "finance": ["view_comment", "add_comment"],
    }

    def ready(self):
        from comments import messages

        messages.register()
