"""The CMO's and finance's pictures of the fiscal year (issue 19 item 4): drawn, their tables matching, on a phone too.

The figures are those of tests/reports/test_pictures.py (FY2027): 230 000
allocated, 120 000 approved, 40 000 committed and 71 000 spent by the year's
end; spend split over three channels; four approval requests through two
stages. The ``page`` fixture audits every page loaded with axe at the width it
was loaded at.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import sign_in_by_cookie
from tests.support.axe import audit

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

pytestmark = pytest.mark.django_db(transaction=True)

PICTURES = ("budget-burn", "spend-by-channel", "approvals-funnel")


def painted(canvas) -> bool:
    """Whether Chart.js drew anything: some pixel of the canvas is not transparent."""
    return canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }"""
    )


def amount(text: str) -> Decimal:
    """₽230,000.00 → 230000.00 (the English way the tables write money)."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def chart_data(canvas) -> dict:
    return canvas.evaluate(
        """c => { const chart = Chart.getChart(c);
                  return {labels: chart.data.labels, datasets: chart.data.datasets.map(d => d.data)}; }"""
    )


@pytest.mark.parametrize("user_fixture", ["cmo", "finance_user"])
def test_the_pictures_are_drawn_and_their_tables_hold_the_same_figures(
    page, live_server, request, funnel_world, screenshot, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    sign_in_by_cookie(page, live_server, user)
    page.goto(f"{live_server.url}/?view={'cmo' if user_fixture == 'cmo' else 'finance'}")
    expect(page.get_by_role("heading", name="Fiscal year FY2027 at a glance")).to_be_visible()
    for chart_id in PICTURES:
        canvas = page.locator(f'canvas[data-report-chart="{chart_id}"]')
        expect(canvas).to_have_attribute("data-drawn", "1")
        assert painted(canvas), chart_id
        card = page.get_by_test_id(chart_id)
        expect(card.locator("figure figcaption")).to_be_visible()
        # the table is one click away, and holds the chart's labels and numbers
        table = card.get_by_test_id("picture-table")
        expect(table).to_be_hidden()
        card.get_by_text("Show table").click()
        expect(table).to_be_visible()
        data = chart_data(canvas)
        rows = card.get_by_test_id("picture-row")
        assert rows.locator("th").all_inner_texts() == data["labels"]
        if chart_id == "approvals-funnel":
            counts = [int(text) for text in rows.locator("td:nth-of-type(1)").all_inner_texts()]
            assert counts == data["datasets"][0] == [4, 4, 2, 1, 1, 1]
        else:
            for column, values in enumerate(data["datasets"], start=1):
                cells = rows.locator(f"td:nth-of-type({column})").all_inner_texts()
                assert [amount(text) for text in cells] == [Decimal(str(v)).quantize(Decimal("0.01")) for v in values]
    # axe finds nothing, moderate and minor included, with every table open
    assert audit(page, impacts=ALL_IMPACTS) == []
    burn = page.get_by_test_id("budget-burn")
    expect(burn.get_by_test_id("picture-totals")).to_contain_text("₽230,000.00")
    expect(burn.get_by_test_id("picture-totals")).to_contain_text("₽71,000.00")
    expect(page.get_by_test_id("spend-by-channel").get_by_test_id("picture-totals")).to_contain_text("₽71,000.00")
    if user_fixture == "cmo":
        screenshot(page, "dashboard-pictures")


def test_the_pictures_fit_a_phone_and_print_with_their_tables(page, live_server, cmo, funnel_world, screenshot):
    sign_in_by_cookie(page, live_server, cmo)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    for chart_id in PICTURES:
        canvas = page.locator(f'canvas[data-report-chart="{chart_id}"]')
        expect(canvas).to_have_attribute("data-drawn", "1")
        assert painted(canvas), chart_id
        page.get_by_test_id(chart_id).get_by_text("Show table").click()
    # nothing sticks out of a phone's screen: wide tables scroll inside their own (focusable, named) region
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert audit(page, impacts=ALL_IMPACTS) == []
    screenshot(page, "dashboard-pictures-phone")
    # printing opens every table (a closed <details> would not print) and closes them again afterwards
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live_server.url}/")
    expect(page.locator('canvas[data-report-chart="budget-burn"]')).to_have_attribute("data-drawn", "1")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for chart_id in PICTURES:
        expect(page.get_by_test_id(chart_id).get_by_test_id("picture-table")).to_be_visible()
    height = page.locator('canvas[data-report-chart="budget-burn"]').evaluate("c => c.parentElement.clientHeight")
    assert height == 220  # sized for A4 beside its table
    assert page.pdf(format="A4")[:4] == b"%PDF"
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    expect(page.get_by_test_id("budget-burn").get_by_test_id("picture-table")).to_be_hidden()
