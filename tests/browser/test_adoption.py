"""Journey of the adoption dashboard (PRODUCT.md §7): the CMO checks whether MRM is used."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_cmo_sees_who_uses_mrm_and_opens_the_full_report(
    page,
    live_server,
    sign_in,
    cmo,
    marketer,
    other_team,
    other_team_marketer,
    money_world,
    screenshot,
):
    # given the marketer used MRM yesterday and the other team not for six weeks
    User.objects.filter(pk=marketer.pk).update(last_seen_at=timezone.now() - dt.timedelta(days=1))
    User.objects.filter(pk=other_team_marketer.pk).update(last_seen_at=timezone.now() - dt.timedelta(days=42))
    # when the CMO signs in and opens the Adoption tab of the dashboard
    sign_in(page, cmo)
    page.get_by_role("link", name="Adoption").click()
    # then weekly active users by team are charted, with the table behind the chart
    card = page.get_by_test_id("active-by-team")
    expect(card.get_by_role("heading", name="Weekly active users by team")).to_be_visible()
    expect(card.locator("canvas")).to_have_attribute("data-drawn", "1")
    idle_row = card.get_by_test_id("report-row").filter(has_text=other_team.name)
    expect(idle_row).to_contain_text("Yes")
    expect(page.get_by_role("heading", name="Spend covered by approved requests")).to_be_visible()
    expect(page.get_by_role("heading", name="Stale items")).to_be_visible()
    screenshot(page, "dashboard-adoption")
    # when the CMO opens the full report grouped by role
    card.get_by_role("link", name="Open the report").click()
    page.get_by_label("Group by").select_option("role")
    page.get_by_role("button", name="Show").click()
    # then it is the same report by role, with a shareable address and its exports
    expect(page.get_by_test_id("report-table").get_by_role("columnheader", name="Role")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/reports/active-users/?group_by=role")
    expect(page.get_by_test_id("export-xlsx")).to_be_visible()
