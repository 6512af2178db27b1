from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "marketer": ["view_team", "view_user"],
        "approver": ["view_team", "view_user"],
        "leadership": ["view_team", "view_user"],
        "finance": ["view_team", "view_user"],
    }

    def ready(self):
        from accounts import checks, messages  # noqa: F401 - checks register themselves
        from accounts.models import User
        from accounts.roles import sync_role_groups
        from accounts.services import refuse_deactivation_with_holdings
        from accounts.throttling import release_on_login

        # After every migrate: role groups exist and hold their permissions.
        messages.register()  # handover notes and notices, rendered in each reader's language
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        # §7: nobody who still holds campaigns, stages or requests turns inactive, whatever the path.
        pre_save.connect(refuse_deactivation_with_holdings, sender=User, dispatch_uid="accounts.refuse_deactivation")
        # A successful sign-in gives back the place it reserved in its address's failure count.
        user_logged_in.connect(release_on_login, dispatch_uid="accounts.signin_throttle_release")
