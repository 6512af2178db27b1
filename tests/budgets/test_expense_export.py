"""The expense list as a file: ``GET /api/v1/expenses/?format=csv|xlsx`` (issue 16: 100k lines, streamed).

The files hold the list's rows — the same scope, filters and ordering —
in the reader's CSV dialect or as typed XLSX cells, with no formula from data,
and cost the same number of queries for 1 row as for 50.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/","click")'


@pytest.fixture
def expenses(team, other_team, marketer, other_team_marketer):
    """Three expenses of the marketer's team (one a refund, one from a hostile vendor) and one of another team."""
    ours = FundingRequestFactory(
        number="FR-2027-0001",
        campaign=CampaignFactory(team=team, owner=marketer, code="SPRING-27", name="Весна «27»"),
        status="approved",
        approved_amount=Decimal("10000.00"),
    )
    theirs = FundingRequestFactory(
        number="FR-2027-0099",
        campaign=CampaignFactory(team=other_team, owner=other_team_marketer, code="OTHER-27"),
        status="approved",
        approved_amount=Decimal("10000.00"),
    )
    return {
        "old": ExpenseFactory(
            funding_request=ours, vendor="ООО Ромашка", amount=Decimal("1500.50"), date=datetime.date(2027, 1, 10)
        ),
        "refund": ExpenseFactory(
            funding_request=ours, vendor="Refunds", amount=Decimal("-200.00"), date=datetime.date(2027, 2, 3)
        ),
        "hostile": ExpenseFactory(
            funding_request=ours, vendor=HOSTILE, amount=Decimal("10.00"), date=datetime.date(2027, 3, 1)
        ),
        "other": ExpenseFactory(
            funding_request=theirs, vendor="Their vendor", amount=Decimal("99.00"), date=datetime.date(2027, 2, 15)
        ),
    }


def download(client, query: str):
    response = client.get(f"/api/v1/expenses/?{query}")
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_finance_downloads_every_expense_as_a_russian_csv_streamed(api_as, finance_user, expenses):
    # when: finance asks for the list as CSV in the Russian dialect
    response, body = download(api_as(finance_user), "format=csv&dialect=ru")
    # then: it is streamed, a CSV attachment
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="expenses-')
    lines = csv_rows(body, ";")
    # and four lines say what it is; the table's header is line 6
    assert lines[0] == ["Expenses"]
    assert lines[1] == ["Figures of", "All teams"]
    assert lines[2] == ["Filters", "none"]
    assert lines[3][0] == "Generated"
    assert lines[4] == []
    assert lines[5][0] == "Date" and lines[5][-1] == "Amount (₽)"
    # and every expense, newest first, numbers with a decimal comma, dates ISO
    rows = lines[6:]
    assert [r[0] for r in rows] == ["2027-03-01", "2027-02-15", "2027-02-03", "2027-01-10"]
    assert [r[-1] for r in rows] == ["10,00", "99,00", "-200,00", "1500,50"]
    assert rows[-1][1:7] == ["FR-2027-0001", "SPRING-27", "Весна «27»", expenses["old"].campaign.team.name,
                             expenses["old"].funding_request.category.name, "ООО Ромашка"]  # fmt: skip
    # and the hostile vendor is text a spreadsheet does not evaluate
    assert rows[0][6] == "'" + HOSTILE
    raw = body.decode("utf-8-sig").splitlines()
    assert raw[6].split(";")[0] == "2027-03-01"  # dates and numbers bare
    assert ';"\'=HYPERLINK(""http://evil.example/"",""click"")";' in raw[6]  # text quoted, quotes doubled


def test_the_english_dialect_and_the_filters_written_on_the_file(api_as, finance_user, expenses):
    # when: an English CSV of February only, for one campaign
    campaign = expenses["old"].campaign
    _, body = download(
        api_as(finance_user),
        f"format=csv&dialect=en&date_from=2027-02-01&date_to=2027-02-28&campaign={campaign.pk}",
    )
    lines = csv_rows(body, ",")
    # then: only the refund; its amount with a decimal point, still negative
    assert [r[-1] for r in lines[6:]] == ["-200.00"]
    # and the file names its filters
    assert lines[2][0] == "Filters"
    assert "Date from: 2027-02-01" in lines[2][1] and "Date to: 2027-02-28" in lines[2][1]
    assert "SPRING-27" in lines[2][1]


def test_search_and_ordering_of_the_list_apply_to_the_file(api_as, finance_user, expenses):
    _, body = download(api_as(finance_user), "format=csv&dialect=en&search=vendor&ordering=amount")
    assert [r[6] for r in csv_rows(body, ",")[6:]] == ["Their vendor"]
    _, body = download(api_as(finance_user), "format=csv&dialect=en&ordering=amount")
    assert [r[-1] for r in csv_rows(body, ",")[6:]] == ["-200.00", "10.00", "99.00", "1500.50"]


@pytest.mark.parametrize(
    ("who", "vendors"),
    [
        ("marketer", {"ООО Ромашка", "Refunds", HOSTILE}),
        ("other_team_marketer", {"Their vendor"}),
        ("finance_user", {"ООО Ромашка", "Refunds", HOSTILE, "Their vendor"}),
        ("cmo", {"ООО Ромашка", "Refunds", HOSTILE, "Their vendor"}),
    ],
)
def test_the_file_holds_what_the_reader_may_read(request, api_as, expenses, who, vendors):
    # given: a reader with their role
    user = request.getfixturevalue(who)
    # when: they download the whole list
    _, body = download(api_as(user), "format=csv&dialect=en")
    lines = csv_rows(body, ",")
    # then: exactly the expenses of the funding requests they read — another team's are not there
    assert {row[6].removeprefix("'") for row in lines[6:]} == vendors
    if who.endswith("marketer"):
        assert lines[1][1].startswith("Team: ")


def test_a_user_without_a_role_gets_an_empty_file_and_anonymous_a_401(api_as, api_client, expenses):
    _, body = download(api_as(UserFactory(roles=[])), "format=csv&dialect=en")
    assert csv_rows(body, ",")[6:] == []
    api_client.force_authenticate(user=None)
    assert api_client.get("/api/v1/expenses/?format=csv").status_code == 401


def test_xlsx_cells_are_typed_and_text_is_never_a_formula(api_as, finance_user, expenses):
    # when: finance downloads the XLSX
    response, body = download(api_as(finance_user), "format=xlsx")
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="expenses-')
    sheet = load_workbook(io.BytesIO(body)).active
    # then: title, scope, filters, generated; the header on row 6, frozen, with an autofilter over the rows
    assert sheet["A1"].value == "Expenses"
    assert sheet["A2"].value == "Figures of: All teams"
    assert sheet["A3"].value == "Filters: none"
    assert sheet["A4"].value.startswith("Generated: ")
    assert [c.value for c in sheet[6]][:2] == ["Date", "Funding request"]
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:J10"
    # and dates are dates, amounts numbers with the currency format, the refund negative
    rows = list(sheet.iter_rows(min_row=7, values_only=False))
    assert len(rows) == 4
    assert [r[0].value.date() for r in rows] == [
        datetime.date(2027, 3, 1),
        datetime.date(2027, 2, 15),
        datetime.date(2027, 2, 3),
        datetime.date(2027, 1, 10),
    ]
    assert rows[0][0].is_date and rows[0][0].number_format == "mm-dd-yy"
    assert [r[-1].value for r in rows] == [10, 99, -200, 1500.5]
    assert rows[0][-1].data_type == "n" and "₽" in rows[0][-1].number_format
    # and the hostile vendor is a string with Excel's quote prefix, not a formula
    hostile = rows[0][6]
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix
    assert rows[3][6].value == "ООО Ромашка" and not rows[3][6].quotePrefix


def test_xlsx_is_scoped_like_the_list(api_as, other_team_marketer, expenses):
    _, body = download(api_as(other_team_marketer), "format=xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [row[6] for row in sheet.iter_rows(min_row=7, values_only=True)] == ["Their vendor"]


def test_bad_dialect_or_filter_is_a_json_400(api_as, finance_user, expenses):
    client = api_as(finance_user)
    bad_dialect = client.get("/api/v1/expenses/?format=csv&dialect=fr")
    assert bad_dialect.status_code == 400
    assert "dialect" in bad_dialect.json()
    bad_date = client.get("/api/v1/expenses/?format=xlsx&date_from=yesterday")
    assert bad_date.status_code == 400
    assert "date_from" in bad_date.json()


def test_without_a_format_the_list_is_the_paginated_json_it_was(api_as, finance_user, expenses):
    body = api_as(finance_user).get("/api/v1/expenses/").json()
    assert body["count"] == 4 and len(body["results"]) == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_costs_the_same_queries_for_1_and_50_rows(assert_constant_queries, api_as, finance_user, fmt):
    # rows are read in chunks by one query: never a query per row, whatever the size of the file
    client = api_as(finance_user)

    def fetch():
        response = client.get(f"/api/v1/expenses/?format={fmt}&page_size=100")
        response.body = b"".join(response.streaming_content)  # the rows are read while streaming
        return response

    assert_constant_queries(fetch, lambda: ExpenseFactory())


# --- the expenses page and its downloads ----------------------------------------------------------


def test_the_expenses_page_lists_what_the_reader_may_read_and_offers_the_downloads(client, marketer, expenses):
    # given: a marketer signed in
    client.force_login(marketer)
    # when: they open the expenses page
    response = client.get("/budgets/expenses/")
    # then: their team's expenses, not another team's, and the two downloads
    assert response.status_code == 200
    html = response.content.decode()
    assert "ООО Ромашка" in html and "Their vendor" not in html
    assert 'name="format" value="csv"' in html and 'name="format" value="xlsx"' in html


def test_the_page_download_holds_the_filtered_rows_in_the_chosen_dialect(
    client, marketer, other_team_marketer, expenses
):
    client.force_login(marketer)
    # when: the marketer downloads February as an English CSV from the page
    response = client.get("/budgets/expenses/?date_from=2027-02-01&date_to=2027-02-28&format=csv&dialect=en")
    assert isinstance(response, StreamingHttpResponse)
    lines = csv_rows(b"".join(response.streaming_content), ",")
    # then: only the refund (the other team's February expense is not theirs), and the file names its filters
    assert [r[-1] for r in lines[6:]] == ["-200.00"]
    assert "Date from: 2027-02-01" in lines[2][1]
    # and the other team's marketer gets only their own
    client.force_login(other_team_marketer)
    response = client.get("/budgets/expenses/?format=xlsx&search=vendor")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[6] for row in sheet.iter_rows(min_row=7, values_only=True)] == ["Their vendor"]


def test_the_page_pages_the_list_with_a_constant_number_of_queries(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get("/budgets/expenses/"), lambda: ExpenseFactory())


def test_the_page_needs_a_budget_reader(client, expenses):
    assert client.get("/budgets/expenses/").status_code == 302  # to sign in
    client.force_login(UserFactory(roles=[]))
    assert client.get("/budgets/expenses/").status_code == 403
