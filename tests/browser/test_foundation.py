"""Journey: every demo user signs in, sees the layout, and switches to Russian."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.choices import Role
from accounts.demo import DEMO_PASSWORD, demo_logins
from accounts.models import User
from tests.support.network import settle

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


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_top_menu_keeps_to_one_line_at_1280_and_folds_below_without_widening_the_page(
    page, live_server, demo_users, language
):
    # given a finance user (every section of the menu) with a very long name, in either language
    user = User.objects.get(username="finance")
    user.display_name = "Александра Константиновна Воскресенская-Преображенская"
    user.language = language
    user.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_through_the_form(page, live_server, "finance")
    header = page.get_by_role("banner")
    menu = "Main navigation" if language == "en" else "Главное меню"
    links = header.get_by_role("navigation", name=menu).get_by_role("link")
    expect(links.first).to_be_visible()
    # then at 1280 px the menu is one line: every label on one line, the header one row high
    heights = links.evaluate_all("links => links.map(a => a.getClientRects().length)")
    assert heights and all(lines == 1 for lines in heights), heights
    tops = set(links.evaluate_all("links => links.map(a => Math.round(a.getBoundingClientRect().top))"))
    assert len(tops) == 1, tops
    assert header.bounding_box()["height"] < 70
    # the long name is cut with an ellipsis, its full text still in the title
    name = page.get_by_test_id("current-user")
    assert name.get_attribute("title") == user.display_name
    assert name.bounding_box()["width"] <= 170
    # and nothing is wider than the screen at 1280, 768 and 390 px; below 1200 px the menu folds
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()  # opened at that width (charts size themselves at load)
        settle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        toggler = page.get_by_role(
            "button", name="Toggle navigation" if language == "en" else "Показать или скрыть меню"
        )
        expect(toggler).to_be_visible() if width < 1200 else expect(toggler).to_be_hidden()
