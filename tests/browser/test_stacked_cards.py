"""Work queues on a phone (issue 19 item 1): at 390 px a row of the inbox or of the expenses is a card
(``table-stack``, docs/DESIGN.md), the review queue and my tasks are cards already; the page never
scrolls sideways and the decision buttons are on the screen. axe finds nothing, moderate included."""

# ruff: noqa: F811 - the fixtures imported below are parameters of the tests

import pytest
from playwright.sync_api import expect

from tests.approvals.conftest import legal, open_request, subject, subjects, submit, template  # noqa: F401
from tests.browser.test_funding import setting, submitted_request  # noqa: F401
from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.support.axe import every_violation

pytestmark = pytest.mark.django_db(transaction=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def inside_the_screen(locator, width: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def display(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).display")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_inbox_rows_are_cards_on_a_phone_with_their_buttons_on_the_screen(
    page,
    live_server,
    sign_in,
    legal,
    open_request,
    width,
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, legal, next_path="/approvals/")
    row = page.get_by_test_id("inbox-row")
    expect(row).to_have_count(1)
    assert display(row) == ("block" if width == 390 else "table-row")
    assert page_width(page) <= width
    for name in ("inbox-approve", "inbox-request-changes"):
        assert inside_the_screen(row.get_by_test_id(name), width)
    assert inside_the_screen(row.get_by_role("textbox"), width)
    if width == 390:  # each cell is named by its column
        label = row.locator("td[data-label='Stage']").evaluate("td => getComputedStyle(td, '::before').content")
        assert "Stage" in label
    assert every_violation(page) == []
    # deciding from the card works as from the row
    row.get_by_test_id("inbox-approve").click()
    expect(row.get_by_test_id("inbox-result")).to_contain_text("Approve")
    assert page_width(page) <= width


@pytest.mark.parametrize("width", [390, 1280])
def test_the_review_queue_fits_a_phone_with_its_decision_buttons_on_the_screen(
    page,
    live_server,
    sign_in,
    marketer,
    finance_user,
    setting,
    width,
):
    submitted_request(setting, marketer)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, finance_user, next_path="/budgets/requests/review/")
    item = page.get_by_test_id("review-item")
    assert page_width(page) <= width
    for name in ("Approve", "Request changes", "Reject"):
        assert inside_the_screen(item.get_by_role("button", name=name, exact=True), width)
    assert every_violation(page) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_expenses_are_cards_on_a_phone(page, live_server, sign_in, finance_user, team, marketer, width):
    campaign = CampaignFactory(team=team, owner=marketer, code="SUMMER-27", name="Summer fair with a long name")
    funding = FundingRequestFactory(campaign=campaign, status="approved", approved_amount=10000)
    for vendor in ("Print shop", "Search ads agency with a long company name"):
        ExpenseFactory(funding_request=funding, vendor=vendor, reference="INV-2027-000123", note="Flyers")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, finance_user, next_path="/budgets/expenses/")
    rows = page.get_by_test_id("expense")
    expect(rows).to_have_count(2)
    assert display(rows.first) == ("block" if width == 390 else "table-row")
    assert page_width(page) <= width
    assert inside_the_screen(rows.first.get_by_role("link"), width)
    assert every_violation(page) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_my_tasks_fit_a_phone(page, live_server, sign_in, team, marketer, width):
    campaign = CampaignFactory(team=team, owner=marketer)
    TaskFactory(campaign=campaign, assignee=marketer, title="Brief the agency on the spring visuals and copy")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, marketer, next_path="/campaigns/my-tasks/")
    task = page.get_by_test_id("task")
    assert page_width(page) <= width
    assert inside_the_screen(task.get_by_role("button", name="Mark done"), width)
    assert every_violation(page) == []
