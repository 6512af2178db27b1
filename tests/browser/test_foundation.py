"""Journey: every demo user signs in, sees the layout, and switches to Russian."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.choices import Role
from accounts.demo import DEMO_PASSWORD, demo_logins
from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

# The main navigation of the issue, in English and in Russian.
NAVIGATION = {
    "Dashboard": "Обзор",
    "Campaigns": "Кампании",
    "Calendar": "Календарь",
    "Budgets": "Бюджеты",
    "Approvals": "Согласования",
    "Reports": "Отчёты",
    "Help": "Справка",
}
ROLE_LABELS = {
    Role.MARKETER: "Marketer",
    Role.APPROVER: "Approver",
    Role.FINANCE: "Finance",
    Role.LEADERSHIP: "Leadership",
    Role.ADMIN: "Administrator",
}


@pytest.fixture
def demo_users(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return User.objects.all()


def sign_in_through_the_form(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_every_demo_login_signs_in_sees_the_layout_and_switches_to_russian(page, live_server, demo_users, screenshot):
    logins = demo_logins()
    # one user per role at least (the CMO holds two: approver and leadership)
    assert {role for _username, _password, roles in logins for role in roles.split(", ")} == set(Role.values)
    for username, _password, roles in logins:
        # given a fresh browser at the sign-in page
        page.context.clear_cookies()
        # when the demo user signs in with the printed password
        sign_in_through_the_form(page, live_server, username)
        # then they see the layout: the main navigation, the bell, their role, the user menu
        navigation = page.get_by_role("navigation", name="Main navigation")
        expect(navigation, username).to_be_visible()
        for label in NAVIGATION:
            expect(navigation.get_by_role("link", name=label, exact=True), f"{username}: {label}").to_be_visible()
        expect(page.get_by_role("heading", level=1), username).to_contain_text("Welcome")
        expect(page.get_by_test_id("role"), username).to_have_text(
            [ROLE_LABELS[role] for role in sorted(roles.split(", "))]
        )
        expect(page.get_by_test_id("notification-bell"), username).to_be_visible()
        expect(page.get_by_role("main"), username).to_be_visible()
        if username == "marketer":
            screenshot(page, "dashboard")
        # when they switch to Russian in the user menu
        page.get_by_test_id("current-user").click()
        page.get_by_test_id("language-ru").click()
        # then the interface speaks Russian
        expect(page.locator("html"), username).to_have_attribute("lang", "ru")
        expect(page.get_by_role("heading", name="Ваши роли"), username).to_be_visible()
        russian_navigation = page.get_by_role("navigation", name="Главное меню")
        for label in NAVIGATION.values():
            expect(
                russian_navigation.get_by_role("link", name=label, exact=True), f"{username}: {label}"
            ).to_be_visible()
        # and the choice stays with the user
        assert User.objects.get(username=username).language == "ru", username
        page.get_by_test_id("current-user").click()
        page.get_by_role("button", name="Выйти").click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_the_login_page(page, live_server, demo_users, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    screenshot(page, "login")


def test_lockout_message_in_the_browser(page, live_server, demo_users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("finance")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("lockout-message")).to_contain_text("Too many failed sign-in attempts")


def test_on_a_phone_the_navigation_folds_behind_a_button(page, live_server, demo_users):
    # given a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_through_the_form(page, live_server, "marketer")
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Campaigns", exact=True)).to_be_hidden()
    # when the menu button is pressed
    page.get_by_role("button", name="Toggle navigation").click()
    # then every section is reachable
    for label in NAVIGATION:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
