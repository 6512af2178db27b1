"""Journey (§7): a marketer asks to change an expense category another team uses; that team's champion
acknowledges it; an administrator applies it (the change itself is made in the Django admin)."""

import pytest
from playwright.sync_api import expect

from changes.choices import AnswerStatus, ChangeStatus
from changes.models import ChangeRequest
from tests.changes.factories import category_used_by, make_champion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_marketer_requests_a_category_change_the_champion_acknowledges_and_the_admin_applies(
    page, live_server, sign_in, screenshot, marketer, other_team, admin_user
):
    # given a category Events uses (a funding request of theirs), and Events' champion
    events_owner = UserFactory(username="events-owner", roles=["marketer"], teams=[other_team])
    category = category_used_by(other_team, owner=events_owner, code="MKT-EVT")
    champion = make_champion(
        UserFactory(username="events-champion", roles=["marketer"], teams=[other_team]), other_team
    )

    # the marketer chooses the category and sees who the change would affect
    sign_in(page, marketer, next_path="/changes/new/")
    page.get_by_role("radio", name="Expense category").check()
    page.get_by_role("combobox", name="Expense category").select_option(str(category.pk))
    preview = page.get_by_test_id("affected-preview")
    expect(preview.get_by_test_id("preview-team")).to_have_text(["Events"])
    page.get_by_label("The change you want").fill("Split events into exhibitions and own events")
    page.get_by_label("Why it is needed").fill("Finance's new reporting form has two lines")
    page.get_by_role("button", name="Send the change request").click()
    expect(page.get_by_test_id("change-status")).to_have_text("Open")
    expect(page.get_by_test_id("affected-team")).to_contain_text("Waiting")
    change = ChangeRequest.objects.get()

    # Events' champion acknowledges it for the team
    page.context.clear_cookies()
    sign_in(page, champion, next_path=change.get_absolute_url())
    page.get_by_label("Note (optional)").fill("Fine for Events")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("affected-team")).to_contain_text("Acknowledged")

    # the administrator applies it
    page.context.clear_cookies()
    sign_in(page, admin_user, next_path=change.get_absolute_url())
    expect(page.get_by_text("make the change itself in the administration")).to_be_visible()
    page.get_by_label("Note", exact=True).fill("Two categories added in the admin")
    page.get_by_role("button", name="Mark as applied").click()
    expect(page.get_by_test_id("change-status")).to_have_text("Applied")
    expect(page.get_by_test_id("change-history")).to_contain_text("Events: Acknowledged")
    screenshot(page, "change-request")

    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED and not change.overridden
    assert change.affected_teams.get().status == AnswerStatus.ACKNOWLEDGED
