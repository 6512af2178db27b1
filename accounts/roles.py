"""Role groups and the model permissions they carry.

Each app declares, on its ``AppConfig``, ``role_permissions``: a mapping of
role name to the codenames of its own models' permissions that role holds.
After every migration the groups are brought in line with those
declarations, so a new app's permissions reach the roles without a hand-made
migration. Admins hold every permission of MRM's own apps (they are also
Django staff and work in the Django admin).
"""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.conf import settings

from accounts.choices import Role

# Apps outside MRM whose permissions the admin role also needs in the Django admin.
ADMIN_EXTRA_APP_LABELS = ("auth",)


def mrm_app_configs() -> list[AppConfig]:
    """MRM's own apps: those whose code lives in the project directory."""
    base = str(settings.BASE_DIR)
    return [config for config in apps.get_app_configs() if str(config.path).startswith(base)]


def declared_role_permissions() -> dict[str, set[tuple[str, str]]]:
    """``{role: {(app_label, codename), ...}}`` from every app's declaration."""
    grants: dict[str, set[tuple[str, str]]] = {role: set() for role in Role.values}
    for config in mrm_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            grants[role].update((config.label, codename) for codename in codenames)
    return grants


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and grant them their declared permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = declared_role_permissions()
    admin_labels = [config.label for config in mrm_app_configs()] + list(ADMIN_EXTRA_APP_LABELS)
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        if role == Role.ADMIN:
            wanted = Permission.objects.filter(content_type__app_label__in=admin_labels)
        else:
            pairs = grants[role]
            if not pairs:
                continue
            wanted = Permission.objects.none()
            for app_label, codename in pairs:
                wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*wanted)
