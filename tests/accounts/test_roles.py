"""Role groups and their permissions (PRODUCT.md §2)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.choices import Role
from accounts.roles import declared_role_permissions, sync_role_groups
from accounts.services import user_set_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_four_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"marketer", "approver", "finance", "admin"}


def test_declared_permissions_are_granted():
    sync_role_groups()
    marketer = Group.objects.get(name="marketer")
    codenames = set(marketer.permissions.values_list("codename", flat=True))
    assert {"view_team", "view_user"} <= codenames
    for role, pairs in declared_role_permissions().items():
        granted = set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))
        assert pairs <= granted, role


def test_admin_role_holds_every_permission_of_mrm_apps():
    sync_role_groups()
    admin = Group.objects.get(name="admin")
    codenames = set(admin.permissions.values_list("codename", flat=True))
    assert {"add_team", "change_user", "delete_membership", "change_group"} <= codenames


def test_sync_is_idempotent():
    sync_role_groups()
    before = Group.objects.get(name="admin").permissions.count()
    sync_role_groups()
    assert Group.objects.get(name="admin").permissions.count() == before


def test_user_set_roles_replaces_roles_and_makes_admins_staff():
    user = UserFactory(roles=["marketer"])
    user_set_roles(user=user, roles=[Role.FINANCE, Role.ADMIN])
    user.refresh_from_db()
    assert user.roles == {"finance", "admin"}
    assert user.is_staff
    assert user.has_role(Role.FINANCE)
    assert not user.has_role(Role.MARKETER)


def test_unknown_role_is_refused_and_changes_nothing():
    user = UserFactory(roles=["marketer"])
    with pytest.raises(ValidationError):
        user_set_roles(user=user, roles=["wizard"])
    user.refresh_from_db()
    assert user.roles == {"marketer"}


def test_inactive_user_has_no_role():
    user = UserFactory(roles=["finance"], is_active=False)
    assert not user.has_role(Role.FINANCE)


def test_a_migrate_syncs_the_groups_once_after_the_last_apps_permissions(monkeypatch):
    # given a role group that lost its permissions, and a count of the syncs that do the work
    from django.core.management.sql import emit_post_migrate_signal

    from accounts import roles

    Group.objects.get(name="marketer").permissions.clear()
    calls = []
    declared = roles.declared_role_permissions
    monkeypatch.setattr(roles, "declared_role_permissions", lambda: calls.append(1) or declared())
    # when migrate's post_migrate signal is sent (once per app)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # then the groups were synced once, and the marketer holds its permissions again
    assert len(calls) == 1
    assert {"view_team", "view_user"} <= set(
        Group.objects.get(name="marketer").permissions.values_list("codename", flat=True)
    )
