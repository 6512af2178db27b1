"""Each persona's main pages at a phone, a tablet and a desktop width (issue 19, item 7).

At 390, 768 and 1280 px, on `seed_demo` data: nothing sticks out past the
screen but a table inside its own scroller, the page's primary action lies
inside the viewport (no sideways scrolling to reach Approve), and axe reports
nothing, moderate included; the title's badges and the header's buttons never
overlap. The top menu and the decision page are checked in
Russian too. With ``MRM_SCREENSHOTS`` set (``make screenshots``) each page is
saved at each width as ``<persona>-<page>-<width>.png`` for docs/: the first screen, as it opens.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from approvals.models import ApprovalRequest
from budgets.models import FundingRequest
from campaigns.models import Campaign
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.support.axe import every_violation
from tests.support.layout import overflow
from tests.support.network import settle

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 768, 1280)
HEADING = "main h1, h1"


def _pages() -> dict[str, list[tuple[str, str, str]]]:
    """Per persona: (name, path, the primary action's selector) for each main page of the demo."""
    campaign = Campaign.objects.get(code="DEMO-01")
    funding_request = FundingRequest.objects.filter(campaign=campaign).order_by("pk").first()
    cmo = User.objects.get(username="cmo")
    decision = ApprovalRequest.objects.pending_for(cmo).order_by("pk").first()
    review = FundingRequest.objects.filter(status="submitted").order_by("pk").first()
    assert decision is not None and review is not None, "seed_demo has a request waiting on the CMO and on finance"
    approve = "button[name=outcome][value=approve]"
    return {
        "marketer": [
            ("dashboard", "/", HEADING),
            ("campaigns", reverse("campaigns:list"), f'a[href="{reverse("campaigns:create")}"]'),
            ("board", reverse("campaigns:board"), HEADING),
            ("calendar", reverse("campaigns:calendar"), ".fc-next-button"),
            ("calendar-list", reverse("campaigns:calendar") + "#list", ".fc-listMonth-button"),
            ("campaign", campaign.get_absolute_url(), HEADING),
            ("funding-request", reverse("budgets:request_detail", args=[funding_request.pk]), HEADING),
        ],
        "cmo": [
            ("dashboard", "/", HEADING),
            ("inbox", reverse("approvals:inbox"), "[data-testid=inbox-approve]"),
            ("decision", reverse("approvals:detail", args=[decision.pk]), approve),
            ("reports", reverse("reports:index"), HEADING),
        ],
        "finance": [
            ("dashboard", "/", HEADING),
            ("review-queue", reverse("budgets:review_queue"), approve),
            ("funding-request", reverse("budgets:request_detail", args=[review.pk]), HEADING),
            ("utilisation", reverse("budgets:utilisation"), HEADING),
        ],
    }


#: Checked in Russian as well: the menu (on every page) and the decision page, where labels run longest.
RUSSIAN = {("cmo", "dashboard"), ("cmo", "decision"), ("marketer", "campaigns"), ("finance", "review-queue")}


def _check(page, width: int, persona: str, name: str, primary: str) -> list[str]:
    problems = []
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{persona} {name} @{width}: page {wide} px wide: {overflow(page, width)}")
    # the title's badges and the header's buttons never sit on one another (Tabler's title does not wrap)
    overlapping = page.evaluate(
        """() => {
          const boxes = Array.from(document.querySelectorAll('.page-header .badge, .page-header .btn,'
            + ' .page-header .page-title, .page-header .page-pretitle')).map(e => [e, e.getBoundingClientRect()]);
          const hits = [];
          for (const [a, r] of boxes) for (const [b, q] of boxes) {
            if (a === b || a.contains(b) || b.contains(a)) continue;
            if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1)
              hits.push(a.textContent.trim().slice(0, 30) + ' / ' + b.textContent.trim().slice(0, 30));
          }
          return hits.slice(0, 3);
        }"""
    )
    if overlapping:
        problems.append(f"{persona} {name} @{width}: header items overlap: {overlapping}")
    action = page.locator(primary).first
    if action.count() == 0:
        problems.append(f"{persona} {name} @{width}: no primary action {primary!r}")
    else:
        box = action.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"{persona} {name} @{width}: primary action {primary!r} outside the viewport: {box}")
    problems += [f"{persona} {name} @{width}: {v}" for v in every_violation(page)]
    return problems


@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_personas_main_pages_fit_every_width_with_the_primary_action_in_view_and_axe_clean(
    page, live_server, screenshot, language
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems = []
    for persona, pages in _pages().items():
        if language == "ru":
            pages = [p for p in pages if (persona, p[0]) in RUSSIAN]
        user = User.objects.get(username=persona)
        user.language = language
        user.save(update_fields=["language"])
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        sign_in_by_cookie(page, live_server, user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            for name, path, primary in pages:
                path, _, view = path.partition("#")
                page.goto(f"{live_server.url}{path}")
                settle(page)
                if view == "list":
                    page.locator(".fc-listMonth-button").click()
                    settle(page)
                problems += _check(page, width, persona, name, primary)
                suffix = "" if language == "en" else f"-{language}"
                screenshot(page, f"{persona}-{name}-{width}{suffix}", full_page=False)  # the first screen
    assert problems == [], "\n".join(problems)
