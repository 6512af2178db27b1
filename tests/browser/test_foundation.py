"""Journey: every demo role signs in, sees the layout, and switches to Russian."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {"marketer": "Marketer", "cmo": "Approver", "finance": "Finance", "admin": "Administrator"}


@pytest.fixture
def demo_users(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return User.objects.all()


@pytest.mark.parametrize("username", list(ROLES))
def test_each_demo_user_signs_in_and_sees_the_layout(page, live_server, demo_users, username, screenshot):
    # given
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    if username == "marketer":
        screenshot(page, "login")
    # when
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("mrm-demo")
    page.get_by_role("button", name="Sign in").click()
    # then
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("role")).to_have_text(ROLES[username])
    expect(page.get_by_role("main")).to_be_visible()
    if username == "marketer":
        screenshot(page, "dashboard")


def test_switching_to_russian_translates_the_interface(page, live_server, demo_users):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("marketer")
    page.get_by_label("Password").fill("mrm-demo")
    page.get_by_role("button", name="Sign in").click()
    # when
    page.get_by_test_id("current-user").click()
    page.get_by_test_id("language-ru").click()
    # then
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Ваши роли")).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()
    # and the choice stays with the user on the next visit
    assert User.objects.get(username="marketer").language == "ru"


def test_lockout_message_in_the_browser(page, live_server, demo_users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("finance")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("lockout-message")).to_contain_text("Too many failed sign-in attempts")
