"""Signing in, out, passwords, lockout and API tokens (issue 2 §3, §5)."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_and_lands_on_dashboard(client, marketer, password):
    # when
    response = client.post(reverse("accounts:login"), {"username": "marketer", "password": password})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard"))
    assert marketer.full_name in page.content.decode()


def test_wrong_password_shows_a_clear_error(client, marketer):
    response = client.post(reverse("accounts:login"), {"username": "marketer", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_pages_require_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_is_a_post(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_repeated_failures_lock_the_account_with_a_clear_message(client, marketer, password, settings):
    # given: the limit of failures is reached
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "marketer", "password": "wrong"})
    # when: even the right password is tried
    response = client.post(reverse("accounts:login"), {"username": "marketer", "password": password})
    # then
    assert response.status_code == 403
    body = response.content.decode()
    assert "Too many failed sign-in attempts" in body
    assert "15 minutes" in body
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, marketer, approver, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "marketer", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "cmo", "password": password})
    assert response.status_code == 302


def test_password_change(client, marketer, password):
    client.force_login(marketer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "a-much-longer-secret-7",
            "new_password2": "a-much-longer-secret-7",
        },
    )
    assert response.status_code == 302
    marketer.refresh_from_db()
    assert marketer.check_password("a-much-longer-secret-7")


def test_password_reset_sends_a_link(client, marketer):
    response = client.post(reverse("accounts:password_reset"), {"email": marketer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_link_sets_a_new_password(client, marketer):
    import re

    # given a reset link sent by e-mail
    client.post(reverse("accounts:password_reset"), {"email": marketer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    # when the user follows it and chooses a new password
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-secret-2026", "new_password2": "a-fresh-secret-2026"},
        follow=True,
    )
    # then the completion page says so and the new password signs in
    assert done.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    marketer.refresh_from_db()
    assert marketer.check_password("a-fresh-secret-2026")
    # and the link does not work twice
    assert "new_password1" not in client.get(link, follow=True).content.decode()


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


class TestApiToken:
    url = "/api/v1/auth/token/"

    def test_token_for_valid_credentials(self, api_client, marketer, password):
        response = api_client.post(self.url, {"username": "marketer", "password": password}, format="json")
        assert response.status_code == 200
        body = response.json()
        # the integration contract {"token": ...}, now with what describes the token
        assert set(body) == {"token", "id", "name", "expires_at"}
        assert body["name"] == "Token"
        token = body["token"]
        # and the token authenticates later calls
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = api_client.get("/api/v1/users/me/")
        assert me.status_code == 200
        assert me.json()["username"] == "marketer"

    def test_each_sign_in_issues_a_new_token_and_both_work(self, api_client, marketer, password):
        # given two sign-ins of the same user (only hashes are stored: there is no old key to hand back)
        first = api_client.post(self.url, {"username": "marketer", "password": password}, format="json").json()
        second = api_client.post(self.url, {"username": "marketer", "password": password}, format="json").json()
        # then they are two tokens, each working
        assert first["token"] != second["token"] and first["id"] != second["id"]
        for body in (first, second):
            api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
            assert api_client.get("/api/v1/users/me/").json()["username"] == "marketer"

    def test_bad_credentials_are_a_400_with_a_message(self, api_client, marketer):
        response = api_client.post(self.url, {"username": "marketer", "password": "bad"}, format="json")
        assert response.status_code == 400
        assert response.json()["non_field_errors"] == ["Unable to log in with the given username and password."]

    def test_missing_fields_are_field_errors(self, api_client):
        response = api_client.post(self.url, {}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"username", "password"}

    def test_inactive_user_gets_no_token(self, api_client, marketer, password):
        marketer.is_active = False
        marketer.save()
        response = api_client.post(self.url, {"username": "marketer", "password": password}, format="json")
        assert response.status_code == 400

    def test_lockout_applies_to_the_api(self, api_client, marketer, password, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            api_client.post(self.url, {"username": "marketer", "password": "bad"}, format="json")
        response = api_client.post(self.url, {"username": "marketer", "password": password}, format="json")
        assert response.status_code == 403
        assert "Too many failed sign-in attempts" in response.json()["detail"]

    def test_invalid_token_is_401(self, api_client):
        api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert api_client.get("/api/v1/users/me/").status_code == 401
