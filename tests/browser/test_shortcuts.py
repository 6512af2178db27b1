"""Keyboard shortcuts of the approvals inbox and the finance review queue (issue 19 item 6).

j/k move between items, Enter opens, a and r reach the item's own decision buttons (Enter then
records the decision through the existing form), ? lists the shortcuts in a modal dialog; nothing
fires while one types in a field. axe finds nothing, moderate included, at 390 and 1280 px.
"""

# ruff: noqa: F811 - the fixtures imported below are parameters of the tests

import pytest
from django.conf import settings
from playwright.sync_api import expect

from approvals.choices import Outcome
from approvals.models import Decision
from tests.approvals.conftest import legal, open_request, subject, subjects, submit, template  # noqa: F401
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.browser.test_funding import setting, submitted_request  # noqa: F401
from tests.factories import TeamFactory
from tests.support.axe import every_violation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_requests(submit):
    first = submit()
    second = submit(on=TeamFactory(name="Events", slug="events"))
    return first, second


def rows(page):
    return page.get_by_test_id("inbox-row")


def focused_is_visible(page) -> bool:
    return page.evaluate("document.activeElement.matches(':focus-visible')")


def focus_ring(page) -> tuple[str, str, str]:
    """The focused element's outline once its transition is over."""
    page.wait_for_timeout(400)
    return tuple(
        page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); "
            "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
        )
    )


def test_j_and_k_move_between_the_inbox_items_with_a_visible_focus(page, live_server, sign_in, legal, two_requests):
    sign_in(page, legal, next_path="/approvals/")
    expect(rows(page)).to_have_count(2)
    first, second = (rows(page).nth(i).get_by_role("link").first for i in range(2))
    page.keyboard.press("j")
    expect(first).to_be_focused()
    assert "shortcuts-current" in rows(page).nth(0).get_attribute("class")
    assert focused_is_visible(page)
    assert focus_ring(page) == ("solid", "3px", "rgb(29, 78, 216)")
    page.keyboard.press("j")
    expect(second).to_be_focused()
    assert "shortcuts-current" not in (rows(page).nth(0).get_attribute("class") or "")
    page.keyboard.press("j")  # the last item stays the last
    expect(second).to_be_focused()
    page.keyboard.press("k")
    expect(first).to_be_focused()
    # Enter opens the item
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/approvals/requests/{two_requests[0].pk}/")


def test_question_mark_lists_the_shortcuts_in_a_modal_dialog_that_escape_closes(
    page, live_server, sign_in, legal, two_requests
):
    sign_in(page, legal, next_path="/approvals/")
    dialog = page.get_by_test_id("shortcuts-dialog")
    page.keyboard.press("j")
    link = rows(page).nth(0).get_by_role("link").first
    expect(link).to_be_focused()
    page.keyboard.press("Shift+Slash")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    expect(page.get_by_test_id("top-search")).not_to_be_focused()  # "?" is not the search's "/"
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert every_violation(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()  # back where the reader was
    # the visible button opens it too, for whoever does not know the key
    page.get_by_test_id("shortcuts-button").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_keys_typed_in_a_note_are_text_not_shortcuts(page, live_server, sign_in, legal, two_requests):
    sign_in(page, legal, next_path="/approvals/")
    note = rows(page).nth(0).get_by_role("textbox")
    note.click()
    page.keyboard.type("ajkr?")
    expect(note).to_have_value("ajkr?")
    expect(note).to_be_focused()
    expect(page.get_by_test_id("shortcuts-dialog")).to_be_hidden()
    # and Enter in the note does not approve (the form's first button) by accident
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert not Decision.objects.exists()
    expect(rows(page).nth(0).get_by_test_id("inbox-approve")).to_be_visible()


def test_single_key_shortcuts_can_be_turned_off(page, live_server, sign_in, legal, two_requests):
    sign_in(page, legal, next_path="/approvals/")
    page.get_by_test_id("shortcuts-button").click()
    page.get_by_label("Use single-key shortcuts in this browser").uncheck()
    page.keyboard.press("Escape")
    page.reload()
    page.keyboard.press("j")
    expect(rows(page).nth(0).get_by_role("link").first).not_to_be_focused()


def test_a_on_an_inbox_item_approves_it_through_the_rows_form(page, live_server, sign_in, legal, two_requests):
    sign_in(page, legal, next_path="/approvals/")
    row = rows(page).nth(0)
    page.keyboard.press("j")
    page.keyboard.press("a")
    # a reaches the item's own Approve button and says what Enter does; nothing is decided yet
    expect(row.get_by_test_id("inbox-approve")).to_be_focused()
    expect(page.get_by_test_id("shortcuts-status")).to_contain_text("Press Enter to approve")
    assert focus_ring(page) == ("solid", "3px", "rgb(29, 78, 216)")  # MRM's ring, not Tabler's pale one
    assert not Decision.objects.exists()
    page.keyboard.press("Enter")
    expect(row.get_by_test_id("inbox-result")).to_contain_text("Approve")
    decision = Decision.objects.get()
    assert (decision.request_id, decision.decider, decision.outcome) == (two_requests[0].pk, legal, Outcome.APPROVE)
    # the focus is back on the decided item: j goes on to the next
    expect(row.get_by_role("link").first).to_be_focused()
    page.keyboard.press("j")
    expect(rows(page).nth(1).get_by_role("link").first).to_be_focused()


def test_escape_after_a_goes_back_without_deciding(page, live_server, sign_in, legal, two_requests):
    sign_in(page, legal, next_path="/approvals/")
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.keyboard.press("Escape")
    expect(rows(page).nth(0).get_by_role("link").first).to_be_focused()
    assert not Decision.objects.exists()


def test_r_on_an_inbox_item_asks_what_to_change_and_enter_requests_changes(
    page, live_server, sign_in, legal, two_requests
):
    sign_in(page, legal, next_path="/approvals/")
    row = rows(page).nth(1)
    page.keyboard.press("k")  # k from nowhere reaches the last item
    page.keyboard.press("r")
    expect(row.get_by_role("textbox")).to_be_focused()
    page.keyboard.type("The logo is too small")
    page.keyboard.press("Enter")
    expect(row.get_by_test_id("inbox-result")).to_contain_text("Request changes")
    decision = Decision.objects.get()
    assert (decision.request_id, decision.outcome, decision.note) == (
        two_requests[1].pk,
        Outcome.REQUEST_CHANGES,
        "The logo is too small",
    )


def test_a_in_the_review_queue_approves_a_funding_request_through_its_form(
    page,
    live_server,
    sign_in,
    marketer,
    finance_user,
    setting,
):
    request = submitted_request(setting, marketer)
    sign_in(page, finance_user, next_path="/budgets/requests/review/")
    item = page.get_by_test_id("review-item")
    page.keyboard.press("j")
    expect(item.get_by_role("link", name=request.number)).to_be_focused()
    page.keyboard.press("a")
    expect(item.get_by_role("button", name="Approve")).to_be_focused()
    assert not Decision.objects.exists()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your decision is recorded")).to_be_visible()
    decision = Decision.objects.get()
    assert (decision.request.object_id, decision.decider, decision.outcome) == (
        request.pk,
        finance_user,
        Outcome.APPROVE,
    )
    request.refresh_from_db()
    assert request.status == "approved"


def test_r_in_the_review_queue_writes_the_note_then_requests_changes(
    page,
    live_server,
    sign_in,
    marketer,
    finance_user,
    setting,
):
    request = submitted_request(setting, marketer)
    sign_in(page, finance_user, next_path="/budgets/requests/review/")
    item = page.get_by_test_id("review-item")
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(item.get_by_label("Note")).to_be_focused()
    page.keyboard.type("Split it by month")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your decision is recorded")).to_be_visible()
    decision = Decision.objects.get()
    assert (decision.request.object_id, decision.outcome, decision.note) == (
        request.pk,
        Outcome.REQUEST_CHANGES,
        "Split it by month",
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_queues_are_axe_clean_moderate_included(
    page,
    live_server,
    sign_in,
    legal,
    two_requests,
    marketer,
    finance_user,
    setting,
    width,
):
    submitted_request(setting, marketer)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, legal, next_path="/approvals/")
    page.keyboard.press("j")
    page.keyboard.press("a")
    assert every_violation(page) == []
    page.context.clear_cookies()
    sign_in(page, finance_user, next_path="/budgets/requests/review/")
    page.keyboard.press("j")
    assert every_violation(page) == []
    page.keyboard.press("Shift+Slash")
    assert every_violation(page) == []


def test_the_shortcuts_speak_russian(page, live_server, legal, two_requests):
    legal.language = "ru"
    legal.save(update_fields=["language"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": live_server.url}])
    sign_in_by_cookie(page, live_server, legal)
    page.goto(f"{live_server.url}/approvals/")
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.get_by_test_id("shortcuts-status")).to_contain_text("Нажмите Enter, чтобы согласовать")
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Slash")
    expect(page.get_by_role("dialog", name="Быстрые клавиши")).to_be_visible()
    assert every_violation(page) == []
