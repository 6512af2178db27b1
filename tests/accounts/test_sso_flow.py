"""Single sign-on end to end without a browser: MRM's views against a real provider process.

The provider (django-oauth-toolkit, tests/support/oidc_provider) runs in its own
process; this test plays the browser with Django's test client on MRM's side and
``requests`` on the provider's. MRM exchanges the code, checks the ID token's
signature against the provider's published key and reads userinfo, for real.
"""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.support.oidc import IdentityProvider
from tests.support.sso import _forget_discovery, sso_on  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

NINA = {
    "username": "nina",
    "password": "nina-at-the-idp",
    "email": "nina.petrova@example.com",
    "first_name": "Nina",
    "last_name": "Petrova",
    "groups": ["mrm-marketing", "mrm-brand"],
}
NO_EMAIL = {"username": "ghost", "password": "ghost-at-the-idp", "groups": ["mrm-marketing"]}


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory):
    with IdentityProvider(
        tmp_path_factory.mktemp("idp"),
        redirect_uris=["http://testserver/accounts/sso/callback/"],
        users=[NINA, NO_EMAIL],
    ) as provider:
        yield provider


@pytest.fixture
def sso(settings, identity_provider):
    """Configured with the endpoint variables (the browser test uses the discovery document)."""
    base = f"{identity_provider.url}/o"
    sso_on(
        settings,
        endpoints={
            "authorization": f"{base}/authorize/",
            "token": f"{base}/token/",
            "userinfo": f"{base}/userinfo/",
            "jwks": f"{base}/.well-known/jwks.json",
        },
    )
    return identity_provider


def sign_on(client, person, *, next_path="/campaigns/"):
    """Click the button, sign in at the provider, come back: MRM's answer to the callback."""
    start = client.get(reverse("accounts:sso_login"), {"next": next_path})
    assert start.status_code == 302, start
    browser = requests.Session()
    login_page = browser.get(start["Location"], timeout=10)
    assert "Example identity provider" in login_page.text
    signed_in = browser.post(
        login_page.url,
        data={
            "username": person["username"],
            "password": person["password"],
            "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
            "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    authorized = browser.get(urljoin(login_page.url, signed_in.headers["Location"]), allow_redirects=False, timeout=10)
    callback = urlsplit(authorized.headers["Location"])
    assert callback.path == "/accounts/sso/callback/", authorized.headers["Location"]
    return client.get(f"{callback.path}?{callback.query}")


def test_the_code_flow_signs_the_person_in_with_her_role(client, sso):
    # when Nina signs on through the provider
    answer = sign_on(client, NINA)
    # then MRM signed her in and sends her where she was going
    assert answer.status_code == 302
    assert answer["Location"] == "/campaigns/"
    nina = User.objects.get(email="nina.petrova@example.com")
    assert client.get("/").wsgi_request.user == nina
    assert User.objects.get(pk=nina.pk).roles == {"marketer"}
    assert [team.name for team in nina.teams.all()] == ["Brand"]


def test_a_provider_without_the_email_claim_is_refused_with_the_reason(client, sso):
    # when someone without an address at the provider signs on
    answer = sign_on(client, NO_EMAIL)
    # then he lands on the login page, told why, not signed in
    assert answer["Location"] == reverse("accounts:login")
    page = client.get(answer["Location"])
    assert "did not send your e-mail address" in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated
    assert not User.objects.filter(username="ghost").exists()


def test_failed_callbacks_never_lock_the_address_out(client, sso, settings):
    # given a strict lockout and address throttle
    settings.MRM_LOGIN_ADDRESS_FAILURE_LIMIT = 2
    # when many single sign-ons from this address fail: a forged code (the provider refuses to exchange it),
    # a refusal at the provider, a replayed state
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        start = client.get(reverse("accounts:sso_login"))
        state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
        forged = client.get(reverse("accounts:sso_callback"), {"code": "forged", "state": state})
        assert forged["Location"] == reverse("accounts:login")
        client.get(reverse("accounts:sso_callback"), {"error": "access_denied"})
        client.get(reverse("accounts:sso_callback"), {"code": "forged", "state": state})
    # then nothing was counted against the address, and the next real sign-on works
    assert not AccessAttempt.objects.exists()
    assert sign_on(client, NINA)["Location"] == "/campaigns/"
    assert client.get("/").wsgi_request.user.email == "nina.petrova@example.com"


def test_a_person_locked_out_of_passwords_still_signs_on(client, sso, settings):
    # given Nina's MRM account, locked after wrong passwords from this address, the address throttled too
    settings.MRM_LOGIN_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    UserFactory(username="nina", email="nina.petrova@example.com", roles=["marketer"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "nina", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "nina", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert not locked.wsgi_request.user.is_authenticated
    # when she signs on through the provider instead
    answer = sign_on(client, NINA)
    # then she is in: the provider checked her password, MRM's lockout is about MRM's
    assert answer["Location"] == "/campaigns/"
    assert client.get("/").wsgi_request.user.username == "nina"
