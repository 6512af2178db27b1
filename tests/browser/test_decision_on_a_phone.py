"""A CMO deciding from a phone (issue 19 item 1): the decision buttons are on the screen from the top of the page."""

import pytest
from playwright.sync_api import expect

from tests.approvals.conftest import legal, open_request, subject, subjects, submit, template  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_decision_buttons_are_in_reach_without_scrolling_on_a_phone(
    page,
    live_server,
    sign_in,
    open_request,  # noqa: F811 - fixture imported from tests/approvals/conftest.py
    legal,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, legal, next_path=f"/approvals/requests/{open_request.pk}/")
    buttons = page.get_by_test_id("decision-buttons")
    approve = buttons.get_by_role("button", name="Approve")
    expect(approve).to_be_visible()
    box = buttons.bounding_box()
    on_screen = box["y"] + box["height"] <= 740 and box["x"] >= 0 and box["x"] + box["width"] <= width
    # on a phone they are fixed at the bottom of the screen; on a desktop they stay in the page's flow
    assert on_screen if width == 390 else buttons.evaluate("b => getComputedStyle(b).position") == "static"
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # and nothing of the page hides behind them: it scrolls to its very end above them
        # to the very end, then two frames: a wheel event scrolls later, and the check once read the
        # footer where it was before the scroll (on a loaded machine)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        footer = page.locator("footer").last
        assert footer.bounding_box()["y"] + footer.bounding_box()["height"] <= buttons.bounding_box()["y"] + 1
