from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    """Help articles linked to pages, questions to champions, FAQ (PRODUCT.md §7)."""

    name = "help"
    label = "help"
    verbose_name = _("Help")
    default_auto_field = "django.db.models.BigAutoField"

    # Who sees which question is decided by Question.objects.visible_to(user) and
    # help.permissions; the model permissions only matter in the Django admin.
    role_permissions = {
        "marketer": ["view_helparticle"],
        "approver": ["view_helparticle"],
        "leadership": ["view_helparticle"],
        "finance": ["view_helparticle"],
    }

    def ready(self):
        from help import holdings, messages, signals

        messages.register()  # what help says, rendered in each reader's language
        signals.connect()
        # §7: a leaving champion's role and the questions waiting on them are handed over, not stranded.
        holdings.register()
        # The page → article map is filled once the tables exist, so pages never wait on it.
        post_migrate.connect(signals.refresh_after_migrate, sender=self, dispatch_uid="help.refresh_page_articles")
