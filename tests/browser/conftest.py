"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import os
from pathlib import Path

import pytest

from tests.reports.conftest import burn_world, evt, funnel_world, money_world, q1, sea  # noqa: F401 - the money world of the report journeys
from tests.support.axe import PageAuditor
from tests.support.csp import CSPWatcher
from tests.support.network import watch
from tests.webhooks.conftest import receiver  # noqa: F401 - the webhook journey's receiving server

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    # Reduced motion: Bootstrap then drops its colour transitions, so axe never measures a button
    # half-way between two colours because the pointer happened to rest where it was drawn.
    return {
        **browser_context_args,
        "locale": "en-US",
        "viewport": {"width": 1280, "height": 860},
        "reduced_motion": "reduce",
    }


@pytest.fixture
def page(page):
    """Playwright's page, audited by axe-core after every load and at the end of the test.

    A serious or critical accessibility violation on any page the test visited
    fails the test, listing each (docs/TESTING.md, "Accessibility"); so does
    anything the Content-Security-Policy blocked (an inline script, a style).
    Its requests are watched, so ``settle(page)`` knows when it has loaded.
    """
    watch(page)
    auditor = PageAuditor()
    csp = CSPWatcher()
    page.on("load", auditor.on_load)
    page.on("console", csp.on_console)
    yield page
    auditor.finish(page)
    csp.finish()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def sign_in(live_server, password):
    """``sign_in(page, user)`` signs in through the login form, as a person does."""

    def do_sign_in(page, user, *, next_path="/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
        return page

    return do_sign_in


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a picture for docs/ when MRM_SCREENSHOTS is set."""
    folder = os.environ.get("MRM_SCREENSHOTS")

    def take(page, name: str, *, full_page: bool = True):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)

    return take
