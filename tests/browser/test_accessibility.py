"""Gate 3: accessibility of the main pages in Russian (docs/TESTING.md).

Every page any browser test visits is audited by the ``page`` fixture
(``tests/browser/conftest.py``), and every page of the app is crawled in English
at three widths with every impact (``test_every_page_*.py``); this test opens
the main pages in Russian, where labels run longest: the sign-in and password
pages, the 404 page, the profile, every entry of the main navigation (so a new
section is checked as soon as it appears in the menu), the lists one click away
and a campaign's page.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from mrm.navigation import resolved_navigation
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.support.axe import EVERY_IMPACT, AccessibilityError, PageAuditor, assert_accessible, audit
from tests.support.csp import CSPViolationError, CSPWatcher

pytestmark = pytest.mark.django_db(transaction=True)

ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/done/"]
SIGNED_IN_PAGES = ["/accounts/profile/", "/accounts/password/change/", "/no-such-page/"]
#: Lists one click away from the navigation, visited in both languages too.
SECTION_PAGES = [
    "campaigns:board",
    "campaigns:timeline",
    "campaigns:feeds",
    "materials:list",
    "budgets:requests",
    "approvals:list",
    "approvals:delegations",
    "notifications:list",
    "help:questions",
]


def sign_in_by_cookie(page, live_server, user) -> None:
    """A session cookie instead of the login form, whose labels depend on the language."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


WIDTHS = (1280, 768, 390)


def navigation_urls() -> list[str]:
    return [item["url"] for item in resolved_navigation("/")]


#: English is left to the crawl of every page (test_every_page_*.py), which opens these pages too.
@pytest.mark.parametrize("language", ["ru"])
def test_main_pages_have_no_accessibility_violations_at_any_width(page, live_server, marketer, language):
    # given a visitor reading the interface in the language
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    marketer.language = language
    marketer.save(update_fields=["language"])
    # when they open the pages anyone may open
    found = []
    for path in ANONYMOUS_PAGES:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        found += audit(page, impacts=EVERY_IMPACT)
    # and, signed in, the navigation's sections, their lists, a campaign's page and the account pages
    sign_in_by_cookie(page, live_server, marketer)
    campaign = CampaignFactory(team=marketer.memberships.first().team, owner=marketer)
    ActivityFactory(campaign=campaign)
    TaskFactory(campaign=campaign, assignee=marketer)
    sections = [reverse(name) for name in SECTION_PAGES]
    visited = []
    for width in WIDTHS:  # at a desktop's, a tablet's and a phone's width (issue 19 item 6)
        page.set_viewport_size({"width": width, "height": 860})
        for path in [*navigation_urls(), *sections, campaign.get_absolute_url(), *SIGNED_IN_PAGES]:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            found += audit(page, impacts=EVERY_IMPACT)
            visited.append(path)
    # then none has any violation, moderate and minor included
    if found:
        raise AccessibilityError(found)
    assert "/" in visited  # the dashboard is in the navigation


def test_the_audit_catches_a_serious_violation(page):
    # given a page with an image without alternative text and an unlabelled field
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/png;base64,iVBORw0KGgo="><input type="text"></main></body></html>'
    )
    # when auditing it
    rules = {v.rule for v in audit(page)}
    # then the violations are reported and the assertion fails naming them
    assert {"image-alt", "label"} <= rules
    with pytest.raises(AccessibilityError, match="image-alt"):
        assert_accessible(page)


def test_an_accessible_page_passes(page):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>Fine</h1>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">'
        '<label for="q">Search</label><input id="q" type="text"></main></body></html>'
    )
    assert audit(page) == []


def test_every_page_a_test_loads_is_audited(context):
    # given a page watched like the ``page`` fixture watches every browser test's page
    watched = context.new_page()
    auditor = PageAuditor()
    watched.on("load", auditor.on_load)
    watched.route(
        "http://localhost/broken/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:image/png;base64,iVBORw0KGgo="></main></body></html>',
        ),
    )
    # when a test merely navigates to an inaccessible page
    watched.goto("http://localhost/broken/")
    # then the end of the test reports it
    with pytest.raises(AccessibilityError, match=r"http://localhost/broken/: \[critical\] image-alt"):
        auditor.finish(watched)
    assert auditor.audited


def test_an_inline_script_blocked_by_the_csp_fails_the_test(context):
    # given a page served with MRM's script policy, watched like every browser test's page
    watched = context.new_page()
    csp = CSPWatcher()
    watched.on("console", csp.on_console)

    def serve(body):
        return lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'"},
            body=f'<html lang="en"><head><title>t</title></head><body><main>{body}</main></body></html>',
        )

    watched.route("http://localhost/clean/", serve("<p>fine</p>"))
    watched.route("http://localhost/inline/", serve("<script>document.title = 'x'</script>"))
    # when a test opens a clean page, nothing is reported
    watched.goto("http://localhost/clean/")
    csp.finish()
    # and when it opens one with an inline script, the end of the test reports it
    watched.goto("http://localhost/inline/")
    watched.wait_for_timeout(200)
    with pytest.raises(CSPViolationError, match="inline script"):
        csp.finish()
