"""Journey: an approver requests changes from the inbox in one click; the submitter sees the decision.

The engine's own journey, without materials: the subject is a team through
the test-only handler of tests/approvals/conftest.py. Materials and funding
requests add their journeys on top of the same pages.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest, Decision
from approvals.services import approval_comment
from tests.approvals.conftest import legal, open_request, subject, subjects, submit, template  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_approver_requests_changes_from_the_inbox_and_the_submitter_sees_the_decision_apart_from_comments(
    page,
    live_server,
    sign_in,
    screenshot,
    open_request,  # noqa: F811 - fixture imported from tests/approvals/conftest.py
    legal,  # noqa: F811
    marketer,
):
    # given a preliminary comment by legal on the request
    approval_comment(request=open_request, by=legal, body="The claim on slide 2 needs a source")
    # when legal opens the inbox
    sign_in(page, legal, next_path="/approvals/")
    expect(page.get_by_role("heading", name="Approvals waiting for me")).to_be_visible()
    row = page.get_by_test_id("inbox-row").filter(has_text=open_request.subject_title)
    expect(row).to_be_visible()
    screenshot(page, "approvals_inbox")
    # and requests changes with a note, in one click from the row
    row.get_by_label(f"Note on {open_request.subject_title}").fill("Make the logo bigger")
    row.get_by_role("button", name="Request changes").click()
    # then the row shows the result in place
    expect(page.get_by_test_id("inbox-result")).to_contain_text("Request changes")
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.CHANGES_REQUESTED
    assert Decision.objects.get().note == "Make the logo bigger"

    # when the submitter signs in, the bell shows the news
    page.context.clear_cookies()
    sign_in(page, marketer, next_path="/")
    expect(page.get_by_test_id("notification-count")).to_have_text("2")  # the comment and the decision
    page.get_by_test_id("notification-bell").click()
    notices = page.get_by_test_id("notification")
    expect(notices.filter(has_text="Decision: requested changes")).to_have_count(1)
    expect(notices.filter(has_text="Comment (not a decision):")).to_have_count(1)
    screenshot(page, "notifications")
    # and on the request page the decision stands at the top, apart from the preliminary discussion
    page.goto(f"{live_server.url}{open_request.get_absolute_url()}")
    panel = page.get_by_test_id("decision-panel")
    expect(panel.get_by_test_id("final-outcome")).to_contain_text("Final outcome: changes requested")
    expect(panel.get_by_test_id("decision")).to_contain_text("Make the logo bigger")
    expect(panel).not_to_contain_text("The claim on slide 2 needs a source")
    discussion = page.get_by_test_id("discussion")
    expect(discussion.get_by_role("heading", name="Preliminary comments — not a decision")).to_be_visible()
    expect(discussion.get_by_test_id("comment")).to_contain_text("The claim on slide 2 needs a source")
    expect(page.get_by_test_id("decision-form")).to_have_count(0)
    screenshot(page, "approvals_request_page")
    assert ApprovalRequest.objects.get().status == RequestStatus.CHANGES_REQUESTED

    # and legal's "waiting for your decision" is done: the bell no longer counts it, the list says why
    page.context.clear_cookies()
    sign_in(page, legal, next_path="/notifications/")
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
    done = page.get_by_test_id("notification").filter(has_text="Waiting for your decision")
    expect(done.get_by_test_id("notification-resolved")).to_be_visible()
    expect(done.get_by_test_id("notification-resolution")).to_contain_text(
        f"Decided by {legal.full_name}: requested changes"
    )
    screenshot(page, "notifications_resolved")


def test_approver_names_a_stand_in(page, live_server, sign_in, legal, approver, screenshot):  # noqa: F811
    sign_in(page, legal, next_path="/approvals/stand-ins/")
    page.get_by_role("combobox", name="Stand-in").select_option(label=approver.full_name)
    today = dt.date.today()
    page.get_by_role("textbox", name="From").fill(today.isoformat())
    page.get_by_role("textbox", name="Until").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save stand-in").click()
    expect(page.get_by_test_id("delegation")).to_contain_text(approver.full_name)
    screenshot(page, "approvals_stand_ins")


def test_approval_pages_pass_the_accessibility_audit(page, live_server, sign_in, open_request, admin_user, screenshot):  # noqa: F811
    # every page below is audited by axe-core (tests/browser/conftest.py)
    sign_in(page, admin_user, next_path="/approvals/requests/")
    expect(page.get_by_test_id("request-row")).to_have_count(1)
    page.goto(f"{live_server.url}{open_request.get_absolute_url()}")
    expect(page.get_by_test_id("decision-panel")).to_be_visible()
    page.goto(f"{live_server.url}/approvals/templates/")
    expect(page.get_by_test_id("workflow-template")).to_have_count(1)
    screenshot(page, "approvals_templates")
    page.get_by_role("link", name="Edit").first.click()
    expect(page.get_by_test_id("template-form")).to_be_visible()
    page.goto(f"{live_server.url}/approvals/")
    expect(page.get_by_role("heading", name="Approvals waiting for me")).to_be_visible()


def test_the_submitter_confirms_a_request_is_still_needed(page, live_server, sign_in, open_request, marketer):  # noqa: F811
    sign_in(page, marketer, next_path=f"/approvals/requests/{open_request.pk}/confirm/")
    page.get_by_label("Why is it still needed?").fill("The trade fair moved to June")
    page.get_by_role("button", name="Yes, it is still needed").click()
    expect(page.get_by_text("The trade fair moved to June")).to_be_visible()
    open_request.refresh_from_db()
    assert open_request.stale_confirmation == "The trade fair moved to June"
