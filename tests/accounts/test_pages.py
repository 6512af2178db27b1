"""Account pages, language switch, time zone and the Django admin."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_dashboard_shows_roles_and_teams(client, marketer):
    client.force_login(marketer)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Marketer" in body
    assert "Brand" in body
    assert 'aria-label="Main navigation"' in body


def test_language_switch_is_saved_on_the_user(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("accounts:set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    marketer.refresh_from_db()
    assert marketer.language == "ru"
    body = client.get(reverse("dashboard")).content.decode()
    assert "Ваши роли" in body
    assert '<html lang="ru">' in body
    translation.activate("en")


def test_saved_language_follows_the_user_to_a_new_browser(client, marketer, password):
    # given a user who chose Russian earlier
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    # when they sign in from a browser that asks for English and has no language cookie
    client.post(reverse("accounts:login"), {"username": "marketer", "password": password}, HTTP_ACCEPT_LANGUAGE="en")
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then the interface is in Russian
    assert '<html lang="ru">' in body
    assert "Ваши роли" in body
    translation.activate("en")


def test_language_switch_refuses_foreign_redirects(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("accounts:set_language"), {"language": "ru", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_unknown_language_changes_nothing(client, marketer):
    client.force_login(marketer)
    client.post(reverse("accounts:set_language"), {"language": "xx"})
    marketer.refresh_from_db()
    assert marketer.language == ""


def test_anonymous_language_switch_sets_the_cookie(client, settings):
    response = client.post(reverse("accounts:set_language"), {"language": "ru", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Войти" in body


def test_profile_saves_time_zone_and_rejects_unknown_ones(client, marketer):
    client.force_login(marketer)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Maria", "email": "m@example.com", "language": "en", "time_zone": "Asia/Yekaterinburg"},
    )
    assert response.status_code == 302
    marketer.refresh_from_db()
    assert marketer.time_zone == "Asia/Yekaterinburg"
    # and the next page says so in the layout's flash messages, announced politely
    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page.split('id="messages"')[1].split("</div>")[0]
    assert "Your profile was saved." in page
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Maria", "language": "en", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert User.objects.get(pk=marketer.pk).time_zone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/user/", "/admin/accounts/team/", "/admin/accounts/membership/", "/admin/auth/group/"],
)
def test_admin_lists_with_search_and_filters(client, admin_user, marketer, url):
    client.force_login(admin_user)
    response = client.get(url + "?q=mark")
    assert response.status_code == 200


def test_admin_search_and_filters_narrow_the_lists(client, admin_user, marketer, approver, other_team):
    from django.contrib.auth.models import Group

    client.force_login(admin_user)
    # users: searched by name, filtered by role (group) and by team
    found = client.get("/admin/accounts/user/", {"q": "marketer"}).context["cl"].result_list
    assert list(found) == [marketer]
    approvers = Group.objects.get(name="approver")
    by_role = client.get("/admin/accounts/user/", {"groups__id__exact": approvers.pk}).context["cl"].result_list
    assert list(by_role) == [approver]
    by_team = client.get("/admin/accounts/user/", {"memberships__team__id__exact": marketer.teams.get().pk})
    assert list(by_team.context["cl"].result_list) == [marketer]
    # teams: searched and filtered by whether they are active
    other_team.is_active = False
    other_team.save()
    assert [t.name for t in client.get("/admin/accounts/team/", {"q": "Brand"}).context["cl"].result_list] == ["Brand"]
    inactive = client.get("/admin/accounts/team/", {"is_active__exact": "0"}).context["cl"].result_list
    assert list(inactive) == [other_team]
    # roles: the four groups, searchable by name
    roles = client.get("/admin/auth/group/", {"q": "fin"}).context["cl"].result_list
    assert [g.name for g in roles] == ["finance"]


def test_admin_is_closed_to_non_staff(client, marketer):
    client.force_login(marketer)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
