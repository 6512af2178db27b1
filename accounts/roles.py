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


def _last_migrated_app(sender) -> bool:
    """Whether ``sender`` is the last app ``post_migrate`` is sent for.

    Django sends the signal once per app with models, in INSTALLED_APPS order,
    and creates each app's permissions on its own turn: by the last app's turn
    every permission exists, so the groups are synced once per ``migrate`` (and
    once per test flush) rather than once per app.
    """
    if sender is None:
        return True
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    return not with_models or sender.label == with_models[-1].label


def sync_role_groups(sender=None, **kwargs) -> None:
    """Create the role groups and grant them their declared permissions (idempotent)."""
    if not _last_migrated_app(sender):
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = declared_role_permissions()
    admin_labels = [config.label for config in mrm_app_configs()] + list(ADMIN_EXTRA_APP_LABELS)
    declared = set().union(*grants.values())
    # every permission a role may hold, read once: (app label, codename) -> id
    candidates = Permission.objects.filter(
        content_type__app_label__in=set(admin_labels) | {label for label, _codename in declared}
    ).values_list("content_type__app_label", "codename", "id")
    ids = {(label, codename): pk for label, codename, pk in candidates}
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        if role == Role.ADMIN:
            wanted = [pk for (label, _codename), pk in ids.items() if label in admin_labels]
        else:
            wanted = [ids[pair] for pair in grants[role] if pair in ids]
        if wanted:
            group.permissions.add(*wanted)
