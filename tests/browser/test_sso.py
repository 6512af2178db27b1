"""Journey: single sign-on through a real OpenID Connect provider (issue 17 item 4).

The provider is a separate process (django-oauth-toolkit, tests/support/oidc_provider)
with its own users and groups; MRM finds it through its discovery document.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.support.oidc import IdentityProvider
from tests.support.sso import _forget_discovery, sso_on  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    {
        "username": "nina",
        "password": "nina-at-the-idp",
        "email": "nina.petrova@example.com",
        "first_name": "Nina",
        "last_name": "Petrova",
        "groups": ["mrm-marketing", "mrm-brand", "wiki-editors"],
    },
    {
        "username": "oleg",
        "password": "oleg-at-the-idp",
        "email": "oleg@example.com",
        "first_name": "Oleg",
        "last_name": "Smirnov",
        "groups": ["mrm-cmo"],
    },
]


@pytest.fixture(scope="module")
def identity_provider(live_server, tmp_path_factory):
    with IdentityProvider(
        tmp_path_factory.mktemp("idp"),
        redirect_uris=[f"{live_server.url}/accounts/sso/callback/"],
        users=PEOPLE,
    ) as provider:
        yield provider


def sign_in_at_provider(page, username, password):
    expect(page.get_by_role("heading", name="Example identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_marketer_signs_in_through_the_provider_and_lands_with_her_role_and_team(
    page, live_server, identity_provider, settings, screenshot
):
    # given single sign-on switched on, the provider found by its discovery document
    sso_on(settings, discovery_url=identity_provider.discovery_url, OIDC_PROVIDER_NAME="Example IdP")
    page.goto(f"{live_server.url}/accounts/login/?next=/campaigns/")
    screenshot(page, "sso-login")
    # when Nina clicks the button and signs in at the provider
    page.get_by_role("link", name="Sign in with Example IdP").click()
    assert page.url.startswith(identity_provider.url)
    sign_in_at_provider(page, "nina", "nina-at-the-idp")
    # then she is back in MRM, on the page she asked for, signed in
    page.wait_for_url(f"{live_server.url}/campaigns/")
    expect(page.get_by_text("Nina Petrova").first).to_be_visible()
    # with the role and the team her groups map to, and nothing for the unknown group
    nina = User.objects.get(email="nina.petrova@example.com")
    assert nina.username == "nina"
    assert nina.roles == {"marketer"}
    assert [team.name for team in nina.teams.all()] == ["Brand"]
    assert nina.sso_subject
    assert not nina.has_usable_password()


def test_the_cmo_signs_in_again_and_keeps_one_account_with_both_roles(page, live_server, identity_provider, settings):
    # given the CMO's MRM account, made by hand before single sign-on, with his address
    sso_on(settings, discovery_url=identity_provider.discovery_url)
    existing = User.objects.create_user("oleg.s", email="OLEG@example.com")
    # when he signs in through the provider
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    sign_in_at_provider(page, "oleg", "oleg-at-the-idp")
    page.wait_for_url(f"{live_server.url}/")
    # and, his MRM session gone, again: the provider remembers him and asks nothing
    page.context.clear_cookies(domain="localhost")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.wait_for_url(f"{live_server.url}/")
    # then his existing account was linked (not a second one), with approver and leadership
    assert User.objects.filter(email__iexact="oleg@example.com").count() == 1
    existing = User.objects.get(pk=existing.pk)
    assert existing.sso_subject
    assert existing.roles == {"approver", "leadership"}
    assert existing.username == "oleg.s"
