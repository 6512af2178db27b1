"""Single sign-on pages and settings: the button, the redirect, refusals, password sign-in for admins only.

The code flow against a real provider is in test_sso_flow.py and tests/browser/test_sso.py.
"""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.sso import SSOUnavailable, provider
from mrm import env
from tests.factories import PASSWORD, UserFactory
from tests.support.servers import free_port
from tests.support.sso import _forget_discovery, sso_on  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "authorization": "https://idp.example.com/auth",
    "token": "https://idp.example.com/token",
    "userinfo": "https://idp.example.com/userinfo",
    "jwks": "https://idp.example.com/jwks",
}


class Discovery:
    """A discovery document served on 127.0.0.1, counting how often it is read."""

    def __init__(self, document: dict):
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/openid-configuration"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def discovery():
    served = Discovery(
        {
            "issuer": "https://idp.example.com",
            "authorization_endpoint": "https://idp.example.com/discovered/auth",
            "token_endpoint": "https://idp.example.com/discovered/token",
            "userinfo_endpoint": "https://idp.example.com/discovered/userinfo",
            "jwks_uri": "https://idp.example.com/discovered/jwks",
        }
    )
    yield served
    served.close()


# --- the login page ---------------------------------------------------------------------------


def test_without_single_sign_on_the_login_page_has_no_button_and_its_urls_are_404(client):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert 'data-testid="sso-login"' not in page.content.decode()
    assert client.get(reverse("accounts:sso_login")).status_code == 404
    assert client.get(reverse("accounts:sso_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_single_sign_on_the_login_page_offers_the_provider(client, settings):
    sso_on(settings, endpoints=ENDPOINTS, OIDC_PROVIDER_NAME="Keycloak")
    page = client.get(reverse("accounts:login"), {"next": "/campaigns/?team=2"}).content.decode()
    assert "Sign in with Keycloak" in page
    assert f'href="{reverse("accounts:sso_login")}?next=/campaigns/%3Fteam%3D2"' in page
    # the password form stays, for everyone while MRM_LOCAL_LOGIN=all
    assert 'name="password"' in page
    assert 'data-testid="password-admins-only"' not in page


def test_the_button_says_single_sign_on_without_a_provider_name(client, settings):
    sso_on(settings, endpoints=ENDPOINTS)
    assert "Sign in with single sign-on" in client.get(reverse("accounts:login")).content.decode()


def test_the_login_page_is_translated(client, settings):
    sso_on(settings, endpoints=ENDPOINTS, MRM_LOCAL_LOGIN="admins")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Войти через единый вход" in page
    assert "администратор" in page


# --- off to the provider --------------------------------------------------------------------------


def test_the_button_sends_the_person_to_the_provider_with_state_nonce_and_pkce(client, settings):
    sso_on(settings, endpoints=ENDPOINTS)
    answer = client.get(reverse("accounts:sso_login"), {"next": "/budgets/"})
    assert answer.status_code == 302
    target = urlsplit(answer["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ENDPOINTS["authorization"]
    params = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert params["client_id"] == "mrm"
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert params["scope"] == "openid email profile groups"
    assert params["code_challenge_method"] == "S256"
    assert params["nonce"]
    session = client.session
    assert params["state"] in session["oidc_states"]
    assert session["oidc_login_next"] == "/budgets/"


def test_a_next_to_another_site_is_dropped(client, settings):
    sso_on(settings, endpoints=ENDPOINTS)
    client.get(reverse("accounts:sso_login"), {"next": "https://evil.example.net/"})
    assert client.session["oidc_login_next"] is None


def test_the_discovery_document_is_read_once_and_kept(client, settings, discovery):
    # given single sign-on configured by its discovery document only
    sso_on(settings, discovery_url=discovery.url)
    # when two people click the button
    first = client.get(reverse("accounts:sso_login"))
    second = client.get(reverse("accounts:sso_login"))
    # then both go to the discovered endpoint, and the document was read once
    assert first["Location"].startswith("https://idp.example.com/discovered/auth?")
    assert second["Location"].startswith("https://idp.example.com/discovered/auth?")
    assert discovery.hits == 1
    assert provider().jwks_endpoint == "https://idp.example.com/discovered/jwks"


def test_endpoint_variables_win_over_the_discovery_document(settings, discovery):
    sso_on(settings, discovery_url=discovery.url, endpoints={"token": "https://idp.example.com/fixed/token"})
    found = provider()
    assert found.token_endpoint == "https://idp.example.com/fixed/token"
    assert found.authorization_endpoint == "https://idp.example.com/discovered/auth"


def test_an_unreachable_discovery_document_is_a_clear_message_not_an_error_page(client, settings, caplog):
    # given a discovery URL nothing answers at
    url = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    sso_on(settings, discovery_url=url, OIDC_TIMEOUT=2)
    # when someone clicks the button
    answer = client.get(reverse("accounts:sso_login"), {"next": "/campaigns/"}, follow=True)
    # then the login page says single sign-on is unavailable, and the log names the URL
    assert answer.status_code == 200
    assert answer.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next=%2Fcampaigns%2F"
    assert "Single sign-on is not available right now" in answer.content.decode()
    assert url in caplog.text
    # and it is tried again next time, not kept as a failure
    with pytest.raises(SSOUnavailable):
        provider()


def test_missing_endpoints_make_single_sign_on_unavailable(settings):
    sso_on(settings, endpoints={"authorization": ENDPOINTS["authorization"]})
    with pytest.raises(SSOUnavailable, match="token_endpoint, userinfo_endpoint, jwks_uri"):
        provider()


# --- back from the provider ------------------------------------------------------------------------


def test_a_refusal_at_the_provider_lands_on_the_login_page_with_its_reason(client, settings):
    sso_on(settings, endpoints=ENDPOINTS)
    answer = client.get(
        reverse("accounts:sso_callback"),
        {"error": "access_denied", "error_description": "The user cancelled"},
        follow=True,
    )
    assert answer.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "The identity provider did not sign you in (The user cancelled)." in answer.content.decode()


def test_a_replayed_or_unknown_state_asks_to_sign_in_again(client, settings):
    # given a sign-in started in this session
    sso_on(settings, endpoints=ENDPOINTS)
    client.get(reverse("accounts:sso_login"))
    # when a callback arrives with a state this session never made
    answer = client.get(reverse("accounts:sso_callback"), {"code": "abc", "state": "not-ours"}, follow=True)
    # then no error page: the login page asks to try again
    assert answer.status_code == 200
    assert "already used or has expired" in answer.content.decode()
    assert not answer.wsgi_request.user.is_authenticated


# --- password sign-in for administrators only -----------------------------------------------------


@pytest.fixture
def admins_only(settings):
    sso_on(settings, endpoints=ENDPOINTS, MRM_LOCAL_LOGIN="admins")


def test_with_local_login_for_admins_a_marketer_password_is_refused(client, admins_only, marketer):
    answer = client.post(reverse("accounts:login"), {"username": "marketer", "password": PASSWORD})
    assert answer.status_code == 200
    assert not answer.wsgi_request.user.is_authenticated
    assert "Please enter a correct username and password" in answer.content.decode()
    assert 'data-testid="password-admins-only"' in answer.content.decode()


def test_with_local_login_for_admins_an_admin_still_signs_in(client, admins_only, admin_user):
    answer = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert answer.status_code == 302
    assert client.get("/").wsgi_request.user == admin_user


def test_with_local_login_for_admins_a_superuser_still_signs_in(client, admins_only):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.post(reverse("accounts:login"), {"username": "root", "password": PASSWORD})
    assert client.get("/").wsgi_request.user == root


def test_with_local_login_for_admins_the_token_endpoint_refuses_a_marketer_password(
    api_client, admins_only, marketer, admin_user
):
    url = reverse("api:auth-token")
    refused = api_client.post(url, {"username": "marketer", "password": PASSWORD}, format="json")
    assert refused.status_code == 400
    assert "token" not in refused.json()
    issued = api_client.post(url, {"username": "admin", "password": PASSWORD}, format="json")
    assert issued.status_code == 200
    assert issued.json()["token"]


def test_by_default_everyone_signs_in_with_a_password(client, marketer):
    assert django_settings.MRM_LOCAL_LOGIN == "all"
    client.post(reverse("accounts:login"), {"username": "marketer", "password": PASSWORD})
    assert client.get("/").wsgi_request.user == marketer


# --- system checks ------------------------------------------------------------------------------


def sso_problems() -> list[str]:
    return sorted(message.id for message in checks.run_checks() if message.id.startswith("accounts."))


def test_a_complete_configuration_passes_the_checks(settings):
    sso_on(settings, endpoints=ENDPOINTS)
    assert sso_problems() == []
    sso_on(settings, discovery_url="https://idp.example.com/.well-known/openid-configuration")
    assert sso_problems() == []


def test_an_incomplete_configuration_fails_the_checks(settings):
    sso_on(settings, endpoints={"authorization": ENDPOINTS["authorization"]}, OIDC_RP_CLIENT_SECRET="")
    settings.OIDC_GROUP_ROLES = {"mrm-boss": ["boss"], "mrm-marketing": ["marketer"]}
    assert sso_problems() == ["accounts.E002", "accounts.E003", "accounts.E005"]


def test_hs256_needs_no_jwks_endpoint(settings):
    sso_on(settings, endpoints={**ENDPOINTS, "jwks": ""}, OIDC_RP_SIGN_ALGO="HS256")
    assert sso_problems() == []
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    assert sso_problems() == ["accounts.E003"]


def test_passwords_for_admins_only_without_single_sign_on_is_an_error(settings):
    settings.MRM_LOCAL_LOGIN = "admins"
    assert sso_problems() == ["accounts.E001"]


def test_provider_settings_without_a_client_id_warn_that_sso_is_off(settings):
    settings.OIDC_OP_DISCOVERY_URL = "https://idp.example.com/.well-known/openid-configuration"
    assert sso_problems() == ["accounts.W001"]


def test_production_warns_about_a_provider_over_plain_http(settings):
    settings.MRM_PRODUCTION = True
    sso_on(settings, discovery_url="http://idp.example.com/.well-known/openid-configuration")
    assert sso_problems() == ["accounts.W002"]


# --- the environment ------------------------------------------------------------------------------


def test_group_maps_read_pairs_and_json(monkeypatch):
    monkeypatch.setenv("OIDC_GROUP_ROLES", " mrm-marketing=marketer, mrm-cmo=approver,mrm-cmo=leadership ,")
    assert env.get_group_map("OIDC_GROUP_ROLES") == {
        "mrm-marketing": ["marketer"],
        "mrm-cmo": ["approver", "leadership"],
    }
    monkeypatch.setenv("OIDC_GROUP_TEAMS", '{"/Marketing/Brand, EU": "Brand", "north": ["Region North", "Events"]}')
    assert env.get_group_map("OIDC_GROUP_TEAMS") == {
        "/Marketing/Brand, EU": ["Brand"],
        "north": ["Region North", "Events"],
    }
    monkeypatch.setenv("OIDC_GROUP_TEAMS", "")
    assert env.get_group_map("OIDC_GROUP_TEAMS") == {}


@pytest.mark.parametrize("value", ["marketer", "=marketer", "group=", '{"g": 3}', '["g"]', "{not json"])
def test_a_mistyped_group_map_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("OIDC_GROUP_ROLES", value)
    with pytest.raises(ImproperlyConfigured, match="OIDC_GROUP_ROLES"):
        env.get_group_map("OIDC_GROUP_ROLES")


def test_local_login_takes_all_or_admins(monkeypatch):
    monkeypatch.setenv("MRM_LOCAL_LOGIN", "Admins")
    assert env.get_choice("MRM_LOCAL_LOGIN", "all", ("all", "admins")) == "admins"
    monkeypatch.setenv("MRM_LOCAL_LOGIN", "nobody")
    with pytest.raises(ImproperlyConfigured, match="MRM_LOCAL_LOGIN must be one of all, admins"):
        env.get_choice("MRM_LOCAL_LOGIN", "all", ("all", "admins"))


def read_settings(environment: dict[str, str]) -> dict:
    """The settings production would start with under this environment (a fresh interpreter)."""
    program = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({name: getattr(settings, name) for name in ("
        "'MRM_SSO_ENABLED', 'OIDC_RP_CLIENT_ID', 'OIDC_OP_DISCOVERY_URL', 'OIDC_RP_SIGN_ALGO', 'OIDC_USE_PKCE',"
        "'OIDC_GROUP_ROLES', 'OIDC_GROUP_TEAMS', 'MRM_LOCAL_LOGIN', 'OIDC_TIMEOUT')}))"
    )
    clean = {key: value for key, value in __import__("os").environ.items() if not key.startswith(("OIDC_", "MRM_L"))}
    result = subprocess.run(
        [sys.executable, "-c", program],
        env={**clean, "DJANGO_SETTINGS_MODULE": "mrm.settings.test", **environment},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_settings_read_single_sign_on_from_the_environment():
    # without any variable: off, passwords for all
    off = read_settings({})
    assert (off["MRM_SSO_ENABLED"], off["MRM_LOCAL_LOGIN"], off["OIDC_GROUP_ROLES"]) == (False, "all", {})
    # with the variables of docs/INTEGRATIONS.md's Keycloak example
    on = read_settings(
        {
            "OIDC_RP_CLIENT_ID": "mrm",
            "OIDC_RP_CLIENT_SECRET": "s3cret",
            "OIDC_OP_DISCOVERY_URL": "https://sso.example.com/realms/acme/.well-known/openid-configuration",
            "OIDC_GROUP_ROLES": "mrm-marketing=marketer,mrm-cmo=approver,mrm-cmo=leadership",
            "OIDC_GROUP_TEAMS": "mrm-brand=Brand",
            "MRM_LOCAL_LOGIN": "admins",
            "OIDC_TIMEOUT": "5",
        }
    )
    assert on == {
        "MRM_SSO_ENABLED": True,
        "OIDC_RP_CLIENT_ID": "mrm",
        "OIDC_OP_DISCOVERY_URL": "https://sso.example.com/realms/acme/.well-known/openid-configuration",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_USE_PKCE": True,
        "OIDC_GROUP_ROLES": {"mrm-marketing": ["marketer"], "mrm-cmo": ["approver", "leadership"]},
        "OIDC_GROUP_TEAMS": {"mrm-brand": ["Brand"]},
        "MRM_LOCAL_LOGIN": "admins",
        "OIDC_TIMEOUT": 5,
    }
