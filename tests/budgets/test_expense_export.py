"""The expense list as a file: ``GET /api/v1/expenses/?format=csv|xlsx`` (issue 16: 100k lines, streamed).

The files hold the list's rows — the same scope, filters and ordering —
in the import's form (header on row 1, ``id`` first),
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
    # and the header is line 1, in the import's form: id, then the model's fields by name
    assert lines[0] == [
        "ID", "Funding request", "Campaign", "Date", "Amount", "Vendor", "Reference", "Note", "Recorded by"
    ]  # fmt: skip
    # and every expense, newest first, numbers with a decimal comma, dates ISO
    rows = lines[1:]
    assert [r[3] for r in rows] == ["2027-03-01", "2027-02-15", "2027-02-03", "2027-01-10"]
    assert [r[4] for r in rows] == ["10,00", "99,00", "-200,00", "1500,50"]
    old = expenses["old"]
    assert rows[-1][:3] == [str(old.pk), "FR-2027-0001", "SPRING-27"]
    assert rows[-1][5] == "ООО Ромашка" and rows[-1][8] == old.recorded_by.username
    # and the hostile vendor is text a spreadsheet does not evaluate
    assert rows[0][5] == "'" + HOSTILE
    raw = body.decode("utf-8-sig").splitlines()
    assert raw[1].split(";")[3] == "2027-03-01"  # dates and numbers bare
    assert ';"\'=HYPERLINK(""http://evil.example/"",""click"")";' in raw[1]  # text quoted, quotes doubled


def test_the_english_dialect_and_the_filters_written_on_the_file(api_as, finance_user, expenses):
    # when: an English CSV of February only, for one campaign
    campaign = expenses["old"].campaign
    _, body = download(
        api_as(finance_user),
        f"format=csv&dialect=en&date_from=2027-02-01&date_to=2027-02-28&campaign={campaign.pk}",
    )
    lines = csv_rows(body, ",")
    # then: only the refund; its amount with a decimal point, still negative
    assert [r[4] for r in lines[1:]] == ["-200.00"]
    # and the XLSX names its filters on its "About" sheet
    response = api_as(finance_user).get(
        f"/api/v1/expenses/?format=xlsx&date_from=2027-02-01&date_to=2027-02-28&campaign={campaign.pk}"
    )
    about = {row[0]: row[1] for row in load_workbook(io.BytesIO(b"".join(response.streaming_content)))["About"]
             .iter_rows(min_row=2, values_only=True)}  # fmt: skip
    assert "Date from: 2027-02-01" in about["Filters"] and "Date to: 2027-02-28" in about["Filters"]
    assert "SPRING-27" in about["Filters"]
    assert about["Figures of"] == "All teams"


def test_search_and_ordering_of_the_list_apply_to_the_file(api_as, finance_user, expenses):
    _, body = download(api_as(finance_user), "format=csv&dialect=en&search=vendor&ordering=amount")
    assert [r[5] for r in csv_rows(body, ",")[1:]] == ["Their vendor"]
    _, body = download(api_as(finance_user), "format=csv&dialect=en&ordering=amount")
    assert [r[4] for r in csv_rows(body, ",")[1:]] == ["-200.00", "10.00", "99.00", "1500.50"]


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
    assert {row[5].removeprefix("'") for row in lines[1:]} == vendors


def test_a_user_without_a_role_gets_an_empty_file_and_anonymous_a_401(api_as, api_client, expenses):
    _, body = download(api_as(UserFactory(roles=[])), "format=csv&dialect=en")
    assert csv_rows(body, ",")[1:] == []
    api_client.force_authenticate(user=None)
    assert api_client.get("/api/v1/expenses/?format=csv").status_code == 401


def test_xlsx_cells_are_typed_and_text_is_never_a_formula(api_as, finance_user, expenses):
    # when: finance downloads the XLSX
    response, body = download(api_as(finance_user), "format=xlsx")
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="expenses-')
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.worksheets[0]
    # then: the header on row 1 (the import's form), frozen, with an autofilter over the rows
    assert [c.value for c in sheet[1]][:3] == ["ID", "Funding request", "Campaign"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I5"
    # and what the file holds is said on the second sheet
    about = workbook["About"]
    assert about["A1"].value == "Expenses"
    assert [about["A2"].value, about["B2"].value] == ["Figures of", "All teams"]
    assert [about["A3"].value, about["B3"].value] == ["Filters", "none"]
    assert about["A4"].value == "Generated"
    # and dates are dates, amounts numbers with the currency format, the refund negative
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(rows) == 4
    assert [r[3].value.date() for r in rows] == [
        datetime.date(2027, 3, 1),
        datetime.date(2027, 2, 15),
        datetime.date(2027, 2, 3),
        datetime.date(2027, 1, 10),
    ]
    assert rows[0][3].is_date and rows[0][3].number_format == "mm-dd-yy"
    assert [r[4].value for r in rows] == [10, 99, -200, 1500.5]
    assert rows[0][4].data_type == "n" and "₽" in rows[0][4].number_format
    # and the hostile vendor is a string with Excel's quote prefix, not a formula
    hostile = rows[0][5]
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix
    assert rows[3][5].value == "ООО Ромашка" and not rows[3][5].quotePrefix


def test_xlsx_is_scoped_like_the_list(api_as, other_team_marketer, expenses):
    _, body = download(api_as(other_team_marketer), "format=xlsx")
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Their vendor"]


def test_bad_dialect_or_filter_is_a_json_400(api_as, finance_user, expenses):
    client = api_as(finance_user)
    bad_dialect = client.get("/api/v1/expenses/?format=csv&dialect=fr")
    assert bad_dialect.status_code == 400
    assert "dialect" in bad_dialect.json()
    bad_date = client.get("/api/v1/expenses/?format=xlsx&date_from=yesterday")
    assert bad_date.status_code == 400
    assert "date_from" in bad_date.json()


@pytest.mark.parametrize("query", ["page=-4089", "page=0", "page_size=abc", "page=2&page=3"])
def test_a_malformed_page_or_page_size_is_a_400_for_a_file_too(api_as, finance_user, expenses, query):
    # the file holds every row, not a page; a malformed paging parameter is still refused as the schema says
    response = api_as(finance_user).get(f"/api/v1/expenses/?format=xlsx&{query}")
    assert response.status_code == 400
    assert set(response.json()) <= {"page", "page_size"}
    # a well-formed one is accepted and ignored: the file still holds every row
    _, body = download(api_as(finance_user), "format=csv&dialect=en&page=2&page_size=1")
    assert len(csv_rows(body, ",")) == 1 + 4


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
    assert [r[4] for r in lines[1:]] == ["-200.00"]
    # and the other team's marketer gets only their own
    client.force_login(other_team_marketer)
    response = client.get("/budgets/expenses/?format=xlsx&search=vendor")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Their vendor"]


def test_the_page_pages_the_list_with_a_constant_number_of_queries(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)
    assert_constant_queries(lambda: client.get("/budgets/expenses/"), lambda: ExpenseFactory())


def test_the_page_needs_a_budget_reader(client, expenses):
    assert client.get("/budgets/expenses/").status_code == 302  # to sign in
    client.force_login(UserFactory(roles=[]))
    assert client.get("/budgets/expenses/").status_code == 403
