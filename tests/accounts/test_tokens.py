"""API tokens that can be taken back (issue 15 item 7, PRODUCT.md §8).

Findings this answers: tokens never expired and could not be revoked by their
owner; a deactivated user's old token worked again once he was reactivated.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tokens import key_digest, token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def sign_in(username, password, **extra) -> dict:
    response = APIClient().post(SIGN_IN, {"username": username, "password": password, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def call_me(key: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/users/me/")


def as_token(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- expiry -----------------------------------------------------------------------------------


def test_a_token_from_sign_in_stops_working_after_the_default_90_days(marketer, password):
    # given a token obtained today
    start = timezone.now()
    body = sign_in("marketer", password)
    # then it says when it expires: 90 days from now
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - (start + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    # when it is used on day 89, it works
    with freeze_time(start + dt.timedelta(days=89)):
        assert call_me(body["token"]).status_code == 200
    # when it is used on day 91, it is a 401 that says it expired
    with freeze_time(start + dt.timedelta(days=91)):
        response = call_me(body["token"])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"].startswith("This token expired on ")


def test_the_lifetime_is_configurable(marketer, password, settings):
    # given an installation whose tokens live 7 days
    settings.MRM_TOKEN_DAYS = 7
    start = timezone.now()
    body = sign_in("marketer", password)
    # then a token is refused on day 8
    with freeze_time(start + dt.timedelta(days=6)):
        assert call_me(body["token"]).status_code == 200
    with freeze_time(start + dt.timedelta(days=8)):
        assert call_me(body["token"]).status_code == 401


def test_sign_in_names_the_token(marketer, password):
    # when an integration asks for a token by name
    body = sign_in("marketer", password, name="Accounting sync")
    # then the token carries it, and an unnamed one is called "Token"
    assert body["name"] == "Accounting sync"
    assert ApiToken.objects.get(pk=body["id"]).name == "Accounting sync"
    assert sign_in("marketer", password)["name"] == "Token"


def test_a_too_long_name_is_a_field_error_and_no_token(api_client, marketer, password):
    response = api_client.post(
        SIGN_IN, {"username": "marketer", "password": password, "name": "x" * 101}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name"}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["nul\x00name", "broken \ud800 surrogate"])
def test_a_name_that_cannot_be_stored_is_a_field_error(api_client, marketer, password, name):
    body = json.dumps({"username": "marketer", "password": password, "name": name})  # \u0000, \ud800
    response = api_client.post(SIGN_IN, body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"name"}
    assert not ApiToken.objects.exists()


def test_only_a_keyed_hash_of_the_key_is_stored(marketer, password):
    # given a token just issued
    body = sign_in("marketer", password)
    key = body["token"]
    # then no column of the database row holds the key
    token = ApiToken.objects.get(pk=body["id"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert all(key not in str(value) for value in row)
    # the digest is an HMAC under the secret key, and the prefix only lets the owner recognise it
    assert token.digest == key_digest(key) and len(token.digest) == 64
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 2


def test_a_token_survives_a_secret_key_rotation_listed_in_the_fallbacks(marketer, settings):
    # given a token issued under the old secret key
    key = token_issue(user=marketer, name="cron").key
    old = settings.SECRET_KEY
    # when the key rotates with the old one kept as a fallback, it still works
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-for-tests", [old]
    assert call_me(key).status_code == 200
    # and without the fallback it authenticates nobody
    settings.SECRET_KEY_FALLBACKS = []
    assert call_me(key).status_code == 401


def test_unknown_keys_and_headers_are_401(api_client):
    for header in ("Token not-a-token", "Token mrm_" + "A" * 43, "Token", "Token a b"):
        api_client.credentials(HTTP_AUTHORIZATION=header)
        response = api_client.get("/api/v1/users/me/")
        assert response.status_code == 401, header
        assert response.json()["detail"]


def test_using_a_token_records_when_at_most_once_a_minute(marketer):
    # given a token never used
    issued = token_issue(user=marketer, name="cron")
    assert issued.token.last_used_at is None
    start = timezone.now()
    # when it is used twice within a minute, then once more two minutes later
    with freeze_time(start):
        call_me(issued.key)
    with freeze_time(start + dt.timedelta(seconds=30)):
        call_me(issued.key)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start
    with freeze_time(start + dt.timedelta(minutes=2)):
        call_me(issued.key)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start + dt.timedelta(minutes=2)


# --- the owner lists and revokes (API) -----------------------------------------------------------


def test_the_owner_lists_his_tokens_and_only_his(marketer, other_team_marketer, password):
    # given two tokens of the marketer (one revoked, one expired) and one of a colleague
    key = sign_in("marketer", password, name="CRM")["token"]
    revoked = token_issue(user=marketer, name="old laptop")
    ApiToken.objects.filter(pk=revoked.token.pk).update(revoked_at=timezone.now())
    expired = token_issue(user=marketer, name="last year")
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    token_issue(user=other_team_marketer, name="theirs")
    # when he lists his tokens, with a token
    response = as_token(key).get(TOKENS)
    # then he sees his own in force and expired, never a key, never the colleague's nor the revoked one
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"CRM", "last year"}
    assert rows["CRM"]["status"] == "active" and rows["last year"]["status"] == "expired"
    assert set(rows["CRM"]) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at", "status"}
    assert key.startswith(rows["CRM"]["prefix"]) and key not in response.content.decode()


def test_the_owner_revokes_a_token_and_it_stops_working_at_once(marketer, password):
    # given a leaked token and the one the owner works with
    leaked = sign_in("marketer", password, name="leaked")
    working = sign_in("marketer", password, name="working")["token"]
    assert call_me(leaked["token"]).status_code == 200
    # when the owner revokes the leaked one
    response = as_token(working).delete(f"{TOKENS}{leaked['id']}/")
    # then it is gone from his list and authenticates nobody, with a 401 that says so
    assert response.status_code == 204
    refused = call_me(leaked["token"])
    assert refused.status_code == 401
    assert refused.json()["detail"] == "This token was revoked. Sign in again for a new one."
    assert as_token(working).get(f"{TOKENS}{leaked['id']}/").status_code == 404
    assert call_me(working).status_code == 200
    token = ApiToken.objects.get(pk=leaked["id"])
    assert token.revoked_by == marketer and token.revoked_at is not None  # the record is kept


def test_a_token_can_revoke_itself(marketer, password):
    body = sign_in("marketer", password)
    assert as_token(body["token"]).delete(f"{TOKENS}{body['id']}/").status_code == 204
    assert call_me(body["token"]).status_code == 401


def test_nobody_revokes_or_sees_another_users_token(marketer, other_team_marketer, admin_user, api_as):
    # given the marketer's token
    theirs = token_issue(user=marketer, name="CRM")
    # when a colleague or even an admin addresses it through the API
    for caller in (other_team_marketer, admin_user):
        api = api_as(caller)
        assert api.get(f"{TOKENS}{theirs.token.pk}/").status_code == 404
        assert api.delete(f"{TOKENS}{theirs.token.pk}/").status_code == 404
    # then it still works (admins revoke in the Django admin or by deactivating)
    assert call_me(theirs.key).status_code == 200


def test_anonymous_callers_get_401(api_client, marketer):
    token = token_issue(user=marketer, name="CRM").token
    assert api_client.get(TOKENS).status_code == 401
    assert api_client.delete(f"{TOKENS}{token.pk}/").status_code == 401


def test_no_token_mints_another_through_the_list(marketer):
    # a token must not extend itself past its expiry: the list takes no POST
    key = token_issue(user=marketer, name="CRM").key
    assert as_token(key).post(TOKENS, {"name": "forever"}, format="json").status_code == 405


# --- deactivation and admins -------------------------------------------------------------------


def test_a_deactivated_users_token_stays_dead_after_reactivation(api_as, admin_user, password):
    # given a leaver's integration token
    leaver = UserFactory(username="leaver", roles=["marketer"])
    key = sign_in("leaver", password, name="his script")["token"]
    # when an admin deactivates him, and later reactivates the account
    assert api_as(admin_user).post(f"/api/v1/users/{leaver.pk}/deactivate/").status_code == 200
    assert call_me(key).status_code == 401
    User.objects.filter(pk=leaver.pk).update(is_active=True)
    # then the old token still authenticates nobody: it was revoked, by the admin
    response = call_me(key)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert ApiToken.objects.get().revoked_by == admin_user
    # and the reactivated user signs in for a new one
    assert call_me(sign_in("leaver", password)["token"]).status_code == 200


def test_a_handover_with_deactivation_revokes_the_tokens(api_as, admin_user, marketer, password):
    leaver = UserFactory(username="leaver", roles=["marketer"])
    key = sign_in("leaver", password)["token"]
    response = api_as(admin_user).post(
        f"/api/v1/users/{leaver.pk}/handover/", {"to_user": marketer.pk, "deactivate": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["deactivated"] is True
    User.objects.filter(pk=leaver.pk).update(is_active=True)
    assert call_me(key).status_code == 401


def test_the_deactivate_button_of_the_handover_page_revokes_the_tokens(client, admin_user):
    leaver = UserFactory(username="leaver", roles=["marketer"])
    issued = token_issue(user=leaver, name="CRM")
    client.force_login(admin_user)
    assert client.post(reverse("accounts:user_deactivate", args=[leaver.pk])).status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None and issued.token.revoked_by == admin_user


def test_an_admin_revokes_anyones_tokens_in_the_django_admin(client, admin_user, marketer, other_team_marketer):
    # given two people's tokens
    mine, theirs, kept = (
        token_issue(user=marketer, name="CRM"),
        token_issue(user=other_team_marketer, name="BI"),
        token_issue(user=other_team_marketer, name="kept"),
    )
    client.force_login(admin_user)
    # when the admin lists them, no key is shown
    page = client.get("/admin/accounts/apitoken/")
    assert page.status_code == 200
    assert mine.key not in page.content.decode() and mine.token.prefix in page.content.decode()
    # and the admin revokes two with the action
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [mine.token.pk, theirs.token.pk]},
    )
    # then those two authenticate nobody; the third still works
    assert response.status_code == 302
    assert call_me(mine.key).status_code == 401 and call_me(theirs.key).status_code == 401
    assert call_me(kept.key).status_code == 200
    assert ApiToken.objects.filter(revoked_by=admin_user).count() == 2


def test_an_admin_revokes_every_token_of_selected_users(client, admin_user, marketer):
    keys = [token_issue(user=marketer, name=f"T{n}").key for n in range(3)]
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/", {"action": "revoke_api_tokens", "_selected_action": [marketer.pk]}, follow=True
    )
    assert "3 API tokens were revoked." in response.content.decode()
    assert all(call_me(key).status_code == 401 for key in keys)


def test_the_admin_cannot_add_or_edit_a_token(client, admin_user, marketer):
    token = token_issue(user=marketer, name="CRM").token
    client.force_login(admin_user)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "renamed"})
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.name == "CRM"


# --- the profile page ----------------------------------------------------------------------------


def test_the_profile_page_lists_the_users_tokens(client, marketer, other_team_marketer):
    # given a used token of the marketer and one of a colleague
    issued = token_issue(user=marketer, name="Accounting sync")
    call_me(issued.key)
    token_issue(user=other_team_marketer, name="Their BI")
    client.force_login(marketer)
    # when he opens his profile
    page = client.get(reverse("accounts:profile")).content.decode()
    # then his token is listed with name, beginning, created, last used and expiry; the colleague's is not
    assert "Accounting sync" in page and issued.token.prefix in page
    assert "Their BI" not in page
    issued.token.refresh_from_db()
    for moment in (issued.token.created_at, issued.token.last_used_at, issued.token.expires_at):
        assert f'datetime="{timezone.localtime(moment).isoformat()}"' in page
    assert issued.key not in page


def test_creating_a_token_on_the_profile_shows_it_once(client, marketer):
    client.force_login(marketer)
    # when he creates a named token
    response = client.post(reverse("accounts:token_create"), {"name": "Power BI"})
    # then the page shows the key this once, not cached, and the key works
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=marketer)
    page = response.content.decode()
    key = page.split('id="issued-token-key" value="')[1].split('"')[0]
    assert key.startswith(token.prefix) and token.name == "Power BI"
    assert call_me(key).status_code == 200
    # and never again
    assert key not in client.get(reverse("accounts:profile")).content.decode()


def test_a_token_without_a_name_is_refused_on_the_profile(client, marketer):
    client.force_login(marketer)
    response = client.post(reverse("accounts:token_create"), {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_on_the_profile(client, marketer, other_team_marketer):
    mine = token_issue(user=marketer, name="CRM")
    theirs = token_issue(user=other_team_marketer, name="BI")
    client.force_login(marketer)
    # when he revokes his token
    response = client.post(reverse("accounts:token_revoke", args=[mine.token.pk]), follow=True)
    # then it is gone from the page and refused by the API
    assert "The token “CRM” was revoked." in response.content.decode()
    assert 'data-testid="token-row"' not in response.content.decode()
    assert call_me(mine.key).status_code == 401
    # and another user's token is a 404 that changes nothing
    assert client.post(reverse("accounts:token_revoke", args=[theirs.token.pk])).status_code == 404
    assert call_me(theirs.key).status_code == 200


def test_the_profile_in_russian(client, marketer):
    marketer.language = "ru"
    marketer.save()
    token_issue(user=marketer, name="CRM")
    client.force_login(marketer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "API-токены" in page and "Отозвать" in page


def test_schema_documents_the_token_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    assert {"get"} <= set(schema["paths"]["/api/v1/auth/tokens/"])
    assert {"get", "delete"} <= set(schema["paths"]["/api/v1/auth/tokens/{id}/"])
    token_fields = schema["components"]["schemas"]["Token"]["properties"]
    assert {"token", "id", "name", "expires_at"} <= set(token_fields)
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
