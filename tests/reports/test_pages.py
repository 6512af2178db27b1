"""Report pages, dashboards, exports from the page, saved views and subscriptions in the browser's HTTP."""

import datetime as dt
import html
import json

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from reports.models import ReportRun, ReportSubscription, SavedReportView
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def chart_data(body: str, chart_id: str) -> dict:
    """The JSON data of a chart, from its canvas's ``data-chart`` attribute (no inline script)."""
    marker = f'data-report-chart="{chart_id}" data-chart="'
    start = body.index(marker) + len(marker)
    return json.loads(html.unescape(body[start : body.index('"', start)]))


def test_the_cmo_lands_on_the_overview_dashboard(client, money_world, cmo):
    # given the CMO (an approver who is also leadership), and campaigns running in the fiscal year
    # the dashboard pictures (its cards cover that year, tests/reports/test_dashboard_year.py)
    Campaign.objects.update(start_date=dt.date(2027, 1, 10), end_date=dt.date(2027, 6, 30))
    client.force_login(cmo)
    # when they open the landing page
    body = client.get(reverse("dashboard")).content.decode()
    # then they see campaigns by status, approvals waiting on them, overdue approvals, spend vs budget, ROI by channel
    for heading in ("Campaigns by status", "Waiting on my decision", "Overdue approvals", "ROI by channel"):
        assert heading in body
    assert 'data-testid="role"' in body
    # and each chart has its table, and its data as JSON in an attribute (no inline script)
    assert chart_data(body, "campaigns-by-status")["labels"]
    assert 'data-testid="report-table"' in body


def test_finance_lands_on_the_finance_dashboard(client, money_world, finance_user):
    client.force_login(finance_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Funding requests to review" in body
    assert "Spend by category against allocations" in body
    assert 'data-testid="spend-without-request-total"' in body
    # AUTUMN's submitted request waits for review
    assert "Autumn" in body


def test_finances_cost_structure_card_is_the_fiscal_years_and_opens_the_same_report(client, money_world, finance_user):
    # given the fiscal year the dashboard pictures
    from reports.selectors import current_fiscal_year

    year = current_fiscal_year()
    client.force_login(finance_user)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    # then the cost structure card says so and counts that year's expenses only (issue 16: the whole
    # history was a second full read of every expense, for one card)
    assert f"Cost structure in {year.name}" in body
    card = response.context["cost_structure"]
    assert (card.params["date_from"], card.params["date_to"]) == (str(year.start_date), str(year.end_date))
    # and "Open the report" opens the report over the same dates, so the figures match
    assert f"?date_from={year.start_date}&amp;date_to={year.end_date}" in body


def test_a_marketer_lands_on_their_work(client, money_world, marketer):
    client.force_login(marketer)
    body = client.get(reverse("dashboard")).content.decode()
    assert "My campaigns" in body and "Spring launch" in body
    assert "My funding requests" in body
    assert "Secret expo" not in body


def test_admins_see_the_cmo_view(client, money_world, admin_user):
    client.force_login(admin_user)
    assert "Waiting on my decision" in client.get(reverse("dashboard")).content.decode()


def test_index_lists_the_reports_the_user_may_open(client, marketer, finance_user):
    client.force_login(marketer)
    body = client.get(reverse("reports:index")).content.decode()
    assert "Budget vs actual" in body
    assert "Spend without a request" not in body
    client.force_login(finance_user)
    assert "Spend without a request" in client.get(reverse("reports:index")).content.decode()


def test_a_user_without_a_role_cannot_open_reports(client, db):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:detail", args=["campaign-status"])).status_code == 403


def test_report_page_shows_filters_chart_table_totals_and_a_share_link(client, money_world, finance_user, q1):
    client.force_login(finance_user)
    url = reverse("reports:detail", args=["budget-vs-actual"])
    response = client.get(url, {"group_by": "team", "period": q1.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"group_by=team&amp;period={q1.pk}" in body
    assert 'data-testid="report-totals"' in body
    assert chart_data(body, "report-chart")["labels"] == ["Brand", "Events"]
    assert "Fiscal period: Q1 2027" in body


def test_bad_filter_values_give_a_clear_error_not_a_500(client, finance_user):
    client.force_login(finance_user)
    response = client.get(reverse("reports:detail", args=["budget-vs-actual"]), {"team": "abc", "group_by": "x"})
    assert response.status_code == 400
    assert "The filters are not valid" in response.content.decode()


def test_unknown_report_is_404_and_finance_only_report_is_403_for_a_marketer(client, marketer):
    client.force_login(marketer)
    assert client.get(reverse("reports:detail", args=["nope"])).status_code == 404
    assert client.get(reverse("reports:detail", args=["spend-without-request"])).status_code == 403


def test_the_htmx_filter_swap_returns_the_fragment(client, money_world, finance_user):
    client.force_login(finance_user)
    response = client.get(
        reverse("reports:detail", args=["campaign-status"]), {"group_by": "team"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="report-table"' in body


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats"), ("pdf", "application/pdf")],
)
def test_exports_download_from_the_page(client, money_world, finance_user, fmt, content_type):
    client.force_login(finance_user)
    response = client.post(
        reverse("reports:export", args=["budget-vs-actual"]), {"format": fmt, "group_by": "category"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith('attachment; filename="budget-vs-actual-')


def test_the_page_proposes_the_readers_dialect_and_the_export_honours_the_choice(client, money_world, marketer):
    # given a marketer reading in Russian
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    client.force_login(marketer)
    # when they open a report, the CSV dialect proposed is the Russian one
    page = client.get(reverse("reports:detail", args=["budget-vs-actual"])).content.decode()
    assert '<option value="ru" selected>' in page
    # and ?dialect=en on the page's address proposes the English one
    page = client.get(reverse("reports:detail", args=["budget-vs-actual"]) + "?dialect=en").content.decode()
    assert '<option value="en" selected>' in page
    # when they download the CSV with the proposed dialect
    url = reverse("reports:export", args=["budget-vs-actual"])
    russian = client.post(url, {"format": "csv", "group_by": "team", "dialect": "ru"}).content.decode("utf-8-sig")
    assert russian.splitlines()[6].startswith('"Brand";150000,00;')
    # and with the English one, chosen in the form or on the URL
    english = client.post(url, {"format": "csv", "group_by": "team", "dialect": "en"}).content.decode("utf-8-sig")
    assert english.splitlines()[6].startswith('"Brand",150000.00,')
    on_url = client.post(url + "?dialect=en", {"format": "csv", "group_by": "team"}).content.decode("utf-8-sig")
    assert on_url.splitlines()[6].startswith('"Brand",150000.00,')
    # and without a choice the reader's language decides
    default = client.post(url, {"format": "csv", "group_by": "team"}).content.decode("utf-8-sig")
    assert default.splitlines()[6].startswith('"Brand";150000,00;')


def test_an_unknown_dialect_on_the_page_is_a_message_not_a_file(client, money_world, finance_user):
    client.force_login(finance_user)
    url = reverse("reports:export", args=["budget-vs-actual"])
    response = client.post(url, {"format": "csv", "dialect": "xx"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:detail", args=["budget-vs-actual"])
    assert "is not a CSV dialect" in response.content.decode()


def test_a_background_export_runs_and_only_its_requester_downloads_it(
    client, money_world, finance_user, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:export", args=["cost-structure"]), {"format": "xlsx", "background": "1"}
        )
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "Download" in page
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 200
    # another person (even an admin) gets a 404 for someone else's run
    client.force_login(admin_user)
    assert client.get(reverse("reports:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


def test_the_run_status_fragment_polls_until_finished(client, finance_user):
    client.force_login(finance_user)
    run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    body = client.get(reverse("reports:run", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in body and "<html" not in body


def test_saved_views_reproduce_the_view_and_can_be_shared(client, money_world, marketer, approver, q1):
    # given the marketer saves a shared view of budget vs actual for Q1 by category
    client.force_login(marketer)
    response = client.post(
        reverse("reports:saved_view_create", args=["budget-vs-actual"]),
        {"name": "Q1 by category", "shared": "on", "group_by": "category", "period": q1.pk},
    )
    view = SavedReportView.objects.get()
    assert view.params == {"group_by": "category", "period": str(q1.pk)}
    # when a colleague opens its link
    client.force_login(approver)
    opened = client.get(view.get_absolute_url())
    # then it leads to the same report with the same filters
    assert opened["Location"] == f"/reports/budget-vs-actual/?group_by=category&period={q1.pk}"
    # and only the owner may delete it
    assert client.post(reverse("reports:saved_view_delete", args=[view.pk])).status_code == 403
    client.force_login(marketer)
    client.post(reverse("reports:saved_view_delete", args=[view.pk]))
    assert not SavedReportView.objects.exists()
    assert response.status_code == 302


def test_a_private_saved_view_is_404_for_others(client, marketer, other_team_marketer):
    view = SavedReportView.objects.create(report="roi", name="Mine", slug="mine-1", owner=marketer)
    client.force_login(other_team_marketer)
    assert client.get(view.get_absolute_url()).status_code == 404


def test_subscriptions_are_created_edited_and_deleted_by_their_owner(client, marketer, approver, other_team_marketer):
    client.force_login(marketer)
    form = client.get(reverse("reports:subscription_create"), {"report": "roi", "filters": "group_by=channel"})
    assert "Group by: Channel" in form.content.decode()
    response = client.post(
        reverse("reports:subscription_create"),
        {
            "name": "Weekly ROI",
            "report": "roi",
            "filters": "group_by=channel",
            "format": "pdf",
            "frequency": "weekly",
            "weekday": "0",
            "day_of_month": "1",
            "recipients": [marketer.pk, approver.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert subscription.params == {"group_by": "channel"}
    assert set(subscription.recipients.all()) == {marketer, approver}
    assert "Weekly ROI" in client.get(reverse("reports:subscriptions")).content.decode()
    # another user cannot see, edit or delete it
    client.force_login(other_team_marketer)
    assert client.get(reverse("reports:subscription_edit", args=[subscription.pk])).status_code == 404
    assert client.post(reverse("reports:subscription_delete", args=[subscription.pk])).status_code == 404
    client.force_login(marketer)
    client.post(reverse("reports:subscription_delete", args=[subscription.pk]))
    assert not ReportSubscription.objects.exists()


def test_a_subscription_with_bad_filters_is_refused_with_a_message(client, marketer):
    client.force_login(marketer)
    response = client.post(
        reverse("reports:subscription_create"),
        {
            "name": "Broken",
            "report": "roi",
            "filters": "group_by=nonsense",
            "format": "pdf",
            "frequency": "monthly",
            "weekday": "0",
            "day_of_month": "5",
            "recipients": [marketer.pk],
        },
    )
    assert response.status_code == 400
    assert "The filters are not valid" in response.content.decode()


def test_a_wide_report_is_paged_on_the_page_with_totals_of_every_row(client, money_world, finance_user, monkeypatch):
    from reports import views

    client.force_login(finance_user)
    url = reverse("reports:detail", args=["campaign-status"])
    # given the report by team on one page, then at one row per page
    everything = client.get(url, {"group_by": "team"}).content.decode()
    total_rows = everything.count('data-testid="report-row"')
    assert total_rows >= 2 and 'data-testid="report-rows-shown"' not in everything
    monkeypatch.setattr(views, "REPORT_PAGE_ROWS", 1)
    # when the first and the last page are opened
    first = client.get(url, {"group_by": "team"}).content.decode()
    last = client.get(url, {"group_by": "team", "page": total_rows}).content.decode()
    # then each holds one row, says which, and links onwards; the rows together are the whole table
    assert first.count('data-testid="report-row"') == 1 and last.count('data-testid="report-row"') == 1
    assert f"Row 1–1 of {total_rows}" in first or f"Rows 1–1 of {total_rows}" in first
    assert "page=2" in first and f"page={total_rows - 1}" in last
    rows = everything.split('data-testid="report-row"')
    assert first.split('data-testid="report-row"')[1].split("</tr>")[0] == rows[1].split("</tr>")[0]
    assert last.split('data-testid="report-row"')[1].split("</tr>")[0] == rows[-1].split("</tr>")[0]
    # and the totals are those of every row, and the share link never carries the page
    totals = everything.split('data-testid="report-totals"')[1].split("</tr>")[0]
    assert totals == first.split('data-testid="report-totals"')[1].split("</tr>")[0]
    assert "page=" not in first.split('data-testid="share-link"')[0].rsplit("<input", 1)[1]


def test_a_dashboard_card_shows_the_first_rows_and_links_the_report_for_the_rest(
    client, money_world, finance_user, monkeypatch
):
    # given a card shows one row of a report's table
    from reports import views

    monkeypatch.setattr(views, "DASHBOARD_CARD_ROWS", 1)
    client.force_login(finance_user)
    # when finance opens the dashboard
    body = client.get(reverse("dashboard")).content.decode()
    # then the cost structure card lists one row, says how many the report holds, and its chart
    # no longer promises a table below that holds the same figures
    card = body.split('data-testid="cost-structure"')[1].split("</section>")[0]
    assert card.count('data-testid="report-row"') == 1
    assert 'data-testid="card-rows-shown"' in card and "the report holds every row" in card
    assert "The report holds the same figures as a table." in card
    assert 'data-testid="report-totals"' in card  # the totals still add every row up
