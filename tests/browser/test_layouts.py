"""Every main page fits a phone (390 px) and a tablet (768 px), and passes axe there (issue 19).

Nothing is wider than the screen except a table inside its own scroller; a
table that scrolls sideways is a focusable, named region (axe
``scrollable-region-focusable``). The ``page`` fixture audits every page this
test loads with axe, at the width it was loaded at.
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from budgets.models import FundingRequest
from campaigns.models import Campaign
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.support.layout import overflow
from tests.support.network import settle

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 768)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    campaign = Campaign.objects.get(code="DEMO-01")
    funding_request = FundingRequest.objects.filter(campaign=campaign).order_by("pk").first()
    return {
        "marketer": [
            "/",
            reverse("campaigns:list"),
            reverse("campaigns:board"),
            reverse("campaigns:calendar"),
            campaign.get_absolute_url(),
            reverse("budgets:requests"),
            reverse("budgets:request_detail", args=[funding_request.pk]),
            reverse("notifications:list"),
            reverse("accounts:profile"),
        ],
        "cmo": ["/", reverse("approvals:inbox"), reverse("reports:index")],
        "finance": ["/", reverse("budgets:review_queue"), reverse("budgets:utilisation")],
    }


@pytest.mark.parametrize("language", ["en", "ru"])
def test_main_pages_fit_a_phone_and_a_tablet_and_their_scrolling_tables_take_the_keyboard(
    page, live_server, demo, language
):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    too_wide = []
    for username, paths in demo.items():
        user = User.objects.get(username=username)
        user.language = language
        user.save(update_fields=["language"])
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        sign_in_by_cookie(page, live_server, user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                settle(page)
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    too_wide.append((username, width, path, wide, overflow(page, width)))
                # a table scrolling sideways without a focusable cell is itself focusable and named
                for scroller in page.locator(".table-responsive").all():
                    scrolls = scroller.evaluate("e => e.scrollWidth > e.clientWidth + 1")
                    focusable = scroller.evaluate(
                        "e => e.tabIndex >= 0 || !!e.querySelector('a[href], button, input, select, textarea')"
                    )
                    if scrolls and not focusable:
                        too_wide.append((username, width, path, "a scroller the keyboard cannot reach"))
    assert too_wide == []
