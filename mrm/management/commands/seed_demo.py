"""``manage.py seed_demo``: demo data for every app, safe to run again.

Each MRM app that has demo data offers ``<app>/demo.py`` with ``seed(stdout)``;
they run in INSTALLED_APPS order (lowest floor first), so campaigns find the
demo users and budgets find the campaigns.
"""

from importlib import import_module, util

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import mrm_app_configs


class Command(BaseCommand):
    help = "Create or refresh the demo teams, users and data (idempotent)."

    def handle(self, *args, **options):
        for config in mrm_app_configs():
            module_name = f"{config.name}.demo"
            if util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
