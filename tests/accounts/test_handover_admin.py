"""The Django admin cannot deactivate a user who still holds things (PRODUCT.md §7)."""
# ruff: noqa: F811 - fixtures imported from tests.accounts.test_handover are redefined as parameters

import pytest

from accounts.models import User
from tests.accounts.test_handover import colleague, holdings_of_leaver, leaver, successor  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_staff": "",
        "is_superuser": "",
        "groups": [g.pk for g in user.groups.all()],
        "language": "",
        "time_zone": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_unchecking_active_is_refused_in_the_change_form(holdings_of_leaver, leaver, admin_user, client):
    # given an admin in the Django admin
    client.force_login(admin_user)
    # when they uncheck "active" for the leaver (no is_active in the POST) and save
    response = client.post(f"/admin/accounts/user/{leaver.pk}/change/", change_form_data(leaver))
    # then the form comes back with the list of what the leaver holds
    assert response.status_code == 200
    text = response.content.decode()
    assert "Lev Leaving still holds" in text
    assert "OWN-1" in text
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_change_form_deactivates_someone_who_holds_nothing(admin_user, client):
    idle = UserFactory(username="idle", roles=["marketer"])
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/user/{idle.pk}/change/", change_form_data(idle))
    assert response.status_code == 302
    idle.refresh_from_db()
    assert not idle.is_active


def test_the_change_form_still_saves_other_fields_of_a_holder(holdings_of_leaver, leaver, admin_user, client):
    client.force_login(admin_user)
    data = change_form_data(leaver, is_active="on", display_name="Lev Still Here")
    response = client.post(f"/admin/accounts/user/{leaver.pk}/change/", data)
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.display_name == "Lev Still Here" and leaver.is_active


def test_the_bulk_action_refuses_holders_and_deactivates_the_rest(holdings_of_leaver, leaver, admin_user, client):
    # given an admin selecting the leaver (who holds things) and a colleague who holds nothing
    idle = UserFactory(username="idle", roles=["marketer"])
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [leaver.pk, idle.pk]},
        follow=True,
    )
    # then the colleague is deactivated and the leaver is refused with the list
    text = response.content.decode()
    assert "1 user was deactivated." in text
    assert "Lev Leaving still holds" in text
    assert User.objects.get(pk=leaver.pk).is_active
    assert not User.objects.get(pk=idle.pk).is_active
