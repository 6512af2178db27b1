"""Wide reports paged by the database (issue 16): a page of ROI per campaign reads its rows only.

ROI per campaign of a large department is 10 000 rows; the page and the
API's JSON show one page of them, with totals and a count over every row;
the files (CSV, XLSX, runs, subscriptions) hold every row.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.choices import FundingRequestStatus
from campaigns.choices import KPIMetric
from reports import views
from reports.registry import RowWindow, get_report
from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory, KPIFactory

pytestmark = pytest.mark.django_db
D = Decimal

#: (code, expenses, revenue): costs and ROIs in another order than the codes, ties and campaigns without figures.
CAMPAIGNS = [
    ("P-01", [D("100.00")], D("500")),  # ROI 400 %
    ("P-02", [D("900.00"), D("100.00")], D("1500")),  # cost 1 000, ROI 50 %
    ("P-03", [], None),  # no cost, no ROI
    ("P-04", [D("300.00")], D("300")),  # ROI 0 %
    ("P-05", [D("1000.00")], None),  # cost 1 000 (tie with P-02), no revenue
    ("P-06", [D("50.00")], D("550")),  # ROI 1 000 %
    ("P-07", [D("250.00")], D("500")),  # ROI 100 %
]


@pytest.fixture
def wide_world(team, marketer):
    """Seven campaigns that asked for money, and one that did not (never a row)."""
    for code, expenses, revenue in CAMPAIGNS:
        campaign = CampaignFactory(team=team, owner=marketer, code=code, name=f"Campaign {code}")
        request = FundingRequestFactory(
            campaign=campaign, status=FundingRequestStatus.APPROVED, approved_amount=D("5000.00")
        )
        for amount in expenses:
            ExpenseFactory(funding_request=request, amount=amount)
        if revenue is not None:
            KPIFactory(campaign=campaign, metric=KPIMetric.REVENUE, actual=revenue)
    CampaignFactory(team=team, owner=marketer, code="P-00", name="Asked for nothing")


def roi(user, window=None, **params):
    report = get_report("roi")
    form = report.form(params, user)
    assert form.is_valid(), form.errors
    return report.result(user, form, window)


def codes(result):
    return [row["campaign"].split(" · ")[0] for row in result.rows]


def test_a_page_of_roi_per_campaign_reads_only_its_rows(wide_world, finance_user):
    # when finance opens the second page of three rows
    with CaptureQueriesContext(connection) as queries:
        page = roi(finance_user, RowWindow.page(2, 3))
    # then the database was asked for those three campaigns only (LIMIT/OFFSET), not for every row
    rows_query = next(q["sql"] for q in queries.captured_queries if '"campaigns_campaign"."code"' in q["sql"])
    assert "LIMIT 3" in rows_query and "OFFSET 3" in rows_query
    assert codes(page) == ["P-04", "P-05", "P-06"]
    # and the page knows how many rows there are in all, and its chart shows its own rows
    assert page.rows_total == 7 and page.window == RowWindow(3, 3)
    assert page.chart.labels == ["P-04", "P-05", "P-06"]


def test_a_page_has_the_totals_of_every_row(wide_world, finance_user):
    everything = roi(finance_user)
    page = roi(finance_user, RowWindow.page(1, 2))
    assert page.totals == everything.totals
    assert page.totals["cost"] == sum(row["cost"] for row in everything.rows) == D("2700.00")
    assert page.totals["revenue"] == D("3350.00")
    assert everything.rows_total is None and len(everything.rows) == 7  # an export's result: every row


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06", "P-07"]),
        ("cost", ["P-02", "P-05", "P-04", "P-07", "P-01", "P-06", "P-03"]),
        ("roi", ["P-06", "P-01", "P-07", "P-02", "P-04", "P-03", "P-05"]),
    ],
)
def test_pages_follow_the_sort_and_the_last_page_holds_the_rest(wide_world, finance_user, sort, expected):
    params = {"sort": sort} if sort else {}
    # given every row in the report's order (what an export holds)
    assert codes(roi(finance_user, **params)) == expected
    # when read page by page, three rows a page
    pages = [roi(finance_user, RowWindow.page(number, 3), **params) for number in (1, 2, 3)]
    # then the pages are that order cut in three, the last with the one row left
    assert [codes(page) for page in pages] == [expected[:3], expected[3:6], expected[6:]]
    assert roi(finance_user, RowWindow.page(4, 3), **params).rows == []


def test_roi_by_channel_is_sorted_as_asked(wide_world, finance_user):
    rows = roi(finance_user, group_by="channel", sort="cost").rows
    assert [row["cost"] for row in rows] == sorted((row["cost"] for row in rows), reverse=True)


def test_leadership_and_finance_see_the_same_page_and_totals(wide_world, finance_user, leadership_user, cmo):
    finance = roi(finance_user, RowWindow.page(2, 3), sort="roi")
    for reader in (leadership_user, cmo):
        page = roi(reader, RowWindow.page(2, 3), sort="roi")
        assert (page.rows, page.totals, page.rows_total) == (finance.rows, finance.totals, finance.rows_total)


def test_a_page_costs_four_queries_whatever_the_rows(wide_world, finance_user, django_assert_num_queries):
    form = get_report("roi").form({}, finance_user)
    assert form.is_valid()
    # the page's rows, the actual cost of all, revenue and leads of all, the count of all
    with django_assert_num_queries(4):
        get_report("roi").result(finance_user, form, RowWindow.page(1, 3))


def test_the_json_is_a_page_with_the_count_and_links_to_the_next(wide_world, api_as, finance_user):
    client = api_as(finance_user)
    first = client.get("/api/v1/reports/roi/?page_size=3&sort=cost").json()
    assert [row["campaign"].split(" · ")[0] for row in first["rows"]] == ["P-02", "P-05", "P-04"]
    assert (first["rows_total"], first["page"], first["page_size"], first["previous"]) == (7, 1, 3, None)
    assert first["totals"]["cost"] == "2700.00"
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert [row["campaign"].split(" · ")[0] for row in last["rows"]] == ["P-03"]
    assert last["next"] is None and "page=2" in last["previous"]
    assert last["totals"] == first["totals"] and "sort=cost" in last["previous"]
    # a small report is one page, as it always was
    small = client.get("/api/v1/reports/roi/?group_by=channel").json()
    assert small["page"] == 1 and small["next"] is None and small["rows_total"] == len(small["rows"])


def test_the_json_refuses_pages_it_cannot_show(wide_world, api_as, finance_user):
    client = api_as(finance_user)
    assert client.get("/api/v1/reports/roi/?page=0").status_code == 400
    assert client.get("/api/v1/reports/roi/?page_size=x").status_code == 400
    assert client.get("/api/v1/reports/roi/?page_size=3&page=4").status_code == 404
    assert client.get("/api/v1/reports/roi/?page=99999999999999999999").status_code == 404
    assert client.get("/api/v1/reports/roi/?sort=sideways").status_code == 400
    # an empty report still has its first page
    empty = client.get("/api/v1/reports/roi/?status=cancelled").json()
    assert (empty["rows"], empty["rows_total"], empty["page"]) == ([], 0, 1)


def test_the_files_hold_every_row(wide_world, api_as, finance_user):
    body = api_as(finance_user).get("/api/v1/reports/roi/?format=csv&dialect=en&page_size=3").content
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert sum(1 for line in lines if line and line[0].startswith("P-")) == 7


@pytest.mark.parametrize("query", ["page=-16187036181769482", "page=0", "page_size=x"])
def test_a_file_refuses_a_malformed_page_as_the_json_does(wide_world, api_as, finance_user, query):
    response = api_as(finance_user).get(f"/api/v1/reports/roi/?format=xlsx&{query}")
    assert response.status_code == 400
    assert set(response.json()) <= {"page", "page_size"}


def test_the_page_shows_a_page_and_a_page_past_the_last_shows_the_last(wide_world, client, finance_user, monkeypatch):
    monkeypatch.setattr(views, "REPORT_PAGE_ROWS", 3)
    client.force_login(finance_user)
    url = reverse("reports:detail", args=["roi"])
    second = client.get(url, {"sort": "roi", "page": 2}).content.decode()
    assert second.count('data-testid="report-row"') == 3 and "Rows 4–6 of 7" in second
    assert "Campaign P-02" in second and "Campaign P-06" not in second
    past = client.get(url, {"sort": "roi", "page": 99}).content.decode()
    assert past.count('data-testid="report-row"') == 1 and "Rows 7–7 of 7" in past
    assert "Campaign P-05" in past and "page=2" in past and "sort=roi" in past
    huge = client.get(url, {"sort": "roi", "page": "99999999999999999999"}).content.decode()
    assert "Rows 7–7 of 7" in huge


def test_too_many_rows_for_a_file_are_counted_not_computed(wide_world, api_as, finance_user, settings):
    # given exports of more than five rows go to the background
    settings.MRM_REPORT_SYNC_MAX_ROWS = 5
    client = api_as(finance_user)
    # when the seven rows of ROI per campaign are asked for as a file
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reports/roi/?format=csv")
    # then the answer says to create a run, having counted the rows without computing one
    assert response.status_code == 409 and "7 rows" in response.content.decode()
    assert not any('"campaigns_campaign"."description"' in q["sql"] for q in queries.captured_queries)
    # and a report of fewer rows than the limit is still the file, every row of it
    settings.MRM_REPORT_SYNC_MAX_ROWS = 7
    assert client.get("/api/v1/reports/roi/?format=csv").status_code == 200
