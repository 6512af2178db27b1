"""Journey: a marketer creates a named API token on his profile, copies it once, and revokes it (issue 15.7)."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


def call_me(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/users/me/").status_code


def test_a_token_is_created_shown_once_and_revoked_on_the_profile(page, live_server, sign_in, marketer, screenshot):
    # given the marketer on his profile page, with no token yet
    sign_in(page, marketer, next_path="/accounts/profile/")
    tokens = page.get_by_test_id("api-tokens")
    expect(tokens.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(tokens).to_contain_text("You have no API tokens.")
    # when he creates a token for his BI tool
    tokens.get_by_label("Token name").fill("Power BI")
    tokens.get_by_role("button", name="Create token").click()
    # then the key is shown this once, ready to copy, and it works
    issued = page.get_by_test_id("token-issued")
    expect(issued).to_contain_text("it is shown only this once")
    key = page.get_by_label("The new token").input_value()
    assert key.startswith("mrm_")
    issued.get_by_role("button", name="Copy").click()
    expect(issued.get_by_role("button", name="Copied")).to_be_visible()
    row = page.get_by_test_id("token-row").filter(has_text="Power BI")
    expect(row).to_contain_text(key[:12])
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("never")
    screenshot(page, "api-tokens")
    assert call_me(key) == 200
    # and after a reload the key is gone from the page
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_test_id("token-issued")).to_have_count(0)
    assert key not in page.content()
    # when he revokes it
    page.get_by_test_id("token-row").filter(has_text="Power BI").get_by_role("button", name="Revoke").click()
    # then the page confirms, the row is gone, and the API refuses the key
    expect(page.get_by_text("The token “Power BI” was revoked.")).to_be_visible()
    expect(page.get_by_test_id("token-row")).to_have_count(0)
    assert call_me(key) == 401
    assert ApiToken.objects.get().revoked_by == marketer
