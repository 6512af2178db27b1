"""Every list as a file, in the form the import takes back (issue 17.2): ``GET <list>?format=csv|xlsx``.

The files hold the list's rows — the same scope (confidential campaigns
included only for who may read them), filters, search and ordering — with
the header on row 1 and ``id`` first, in the reader's CSV dialect or as
typed XLSX cells with no formula from data, at a constant number of queries.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from campaigns.importers import CAMPAIGN_COLUMNS, header_for
from campaigns.models import Channel
from imports.choices import RowOutcome
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.factories import UserFactory
from tests.imports.helpers import import_file

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/","click")'


def download(client, path: str, query: str = "") -> bytes:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return b"".join(response.streaming_content)


def csv_rows(body: bytes, delimiter: str = ";") -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def xlsx_sheet(body: bytes):
    return load_workbook(io.BytesIO(body)).worksheets[0]


@pytest.fixture
def channels(db):
    return [
        Channel.objects.create(code="x-mail", name="X mail"),
        Channel.objects.create(code="x-social", name="X social"),
    ]


@pytest.fixture
def campaigns(team, other_team, marketer, other_team_marketer, approver, channels):
    """Two campaigns of the marketer's team (one a child, one with hostile text), and two of another team
    (one confidential)."""
    parent = CampaignFactory(
        code="SPRING-27",
        name="Весна «27»",
        team=team,
        owner=marketer,
        sponsor=approver,
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 5, 31),
        planned_cost=Decimal("1500.50"),
        tags="spring, launch",
        description="Весенний запуск",
        channels=channels,
    )
    child = CampaignFactory(
        code="SPRING-27-WEB",
        name="Webinars",
        team=team,
        owner=marketer,
        sponsor=approver,
        parent=parent,
        start_date=datetime.date(2027, 4, 1),
        end_date=datetime.date(2027, 4, 30),
        description=HOSTILE,
        status="planned",
    )
    public = CampaignFactory(code="OTHER-27", name="Their open one", team=other_team, owner=other_team_marketer)
    secret = CampaignFactory(
        code="SECRET-27", name="Their secret", team=other_team, owner=other_team_marketer, confidential=True
    )
    return {"parent": parent, "child": child, "public": public, "secret": secret}


# --- campaigns -------------------------------------------------------------------------------------------


def test_the_campaign_csv_is_the_imports_columns_in_the_russian_dialect(api_as, marketer, campaigns):
    # when: the marketer downloads the campaign list as a Russian CSV, by code
    body = download(api_as(marketer), "/api/v1/campaigns/", "format=csv&dialect=ru&ordering=code")
    rows = csv_rows(body, ";")
    # then: the header is row 1: ID, then exactly the campaign import's columns
    assert rows[0] == ["ID", *(header_for(key) for key in CAMPAIGN_COLUMNS)]
    by_code = {row[1]: row for row in rows[1:]}
    # and the other team's confidential campaign is not there; its open one is
    assert set(by_code) == {"SPRING-27", "SPRING-27-WEB", "OTHER-27"}
    parent = campaigns["parent"]
    assert by_code["SPRING-27"] == [
        str(parent.pk), "SPRING-27", "Весна «27»", parent.team.name, marketer.username, parent.sponsor.username,
        "2027-03-01", "2027-05-31", "1500,50", "Draft", "x-mail, x-social", "spring, launch", "", "Весенний запуск",
    ]  # fmt: skip
    # and the parent is named by its code; hostile text is neutralised
    assert by_code["SPRING-27-WEB"][12] == "SPRING-27"
    assert by_code["SPRING-27-WEB"][13] == "'" + HOSTILE
    assert '"\'=HYPERLINK(""http://evil.example/"",""click"")"' in body.decode("utf-8-sig")


def test_the_campaign_xlsx_has_typed_cells_and_no_formula(api_as, marketer, campaigns):
    body = download(api_as(marketer), "/api/v1/campaigns/", "format=xlsx&ordering=code")
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["ID", *(header_for(key) for key in CAMPAIGN_COLUMNS)]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[1].value for row in rows] == ["OTHER-27", "SPRING-27", "SPRING-27-WEB"]
    spring = rows[1]
    assert spring[0].value == campaigns["parent"].pk and spring[0].data_type == "n"
    assert spring[6].is_date and spring[6].value.date() == datetime.date(2027, 3, 1)
    assert spring[8].value == 1500.5 and spring[8].data_type == "n"
    hostile = rows[2][13]
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix
    # and the second sheet says what the file is
    assert workbook["About"]["A1"].value == "Campaigns"


def test_the_headers_follow_the_readers_language(api_as, team, campaigns):
    russian = UserFactory(roles=["marketer"], teams=[team], language="ru")
    rows = csv_rows(download(api_as(russian), "/api/v1/campaigns/", "format=csv"), ";")
    assert rows[0][:4] == ["ID", "Код", "Название", "Команда"]
    assert {row[9] for row in rows[1:]} >= {"Черновик"}


def test_the_campaign_file_holds_the_lists_filters_and_search(api_as, marketer, team, campaigns):
    client = api_as(marketer)
    rows = csv_rows(download(client, "/api/v1/campaigns/", f"format=csv&dialect=ru&team={team.pk}&status=planned"))
    assert [row[1] for row in rows[1:]] == ["SPRING-27-WEB"]
    rows = csv_rows(download(client, "/api/v1/campaigns/", "format=csv&dialect=ru&search=their"))
    assert [row[1] for row in rows[1:]] == ["OTHER-27"]
    rows = csv_rows(download(client, "/api/v1/campaigns/", "format=csv&dialect=ru&ordering=-code"))
    assert [row[1] for row in rows[1:]] == ["SPRING-27-WEB", "SPRING-27", "OTHER-27"]


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("marketer", {"SPRING-27", "SPRING-27-WEB", "OTHER-27"}),
        ("other_team_marketer", {"SPRING-27", "SPRING-27-WEB", "OTHER-27", "SECRET-27"}),
        ("cmo", {"SPRING-27", "SPRING-27-WEB", "OTHER-27", "SECRET-27"}),
        ("finance_user", {"SPRING-27", "SPRING-27-WEB", "OTHER-27", "SECRET-27"}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_campaign_file_holds_what_the_reader_may_read(request, api_as, campaigns, who, codes, fmt):
    body = download(api_as(request.getfixturevalue(who)), "/api/v1/campaigns/", f"format={fmt}&dialect=ru")
    if fmt == "csv":
        found = {row[1] for row in csv_rows(body)[1:]}
    else:
        found = {row[1] for row in xlsx_sheet(body).iter_rows(min_row=2, values_only=True)}
    assert found == codes


def test_a_file_needs_a_signed_in_reader_and_a_known_dialect(api_client, api_as, marketer, campaigns):
    assert api_client.get("/api/v1/campaigns/?format=csv").status_code == 401
    answer = api_as(marketer).get("/api/v1/campaigns/?format=csv&dialect=fr")
    assert answer.status_code == 400 and "dialect" in answer.json()
    answer = api_as(marketer).get("/api/v1/campaigns/?format=xlsx&starts_after=soon")
    assert answer.status_code == 400 and "starts_after" in answer.json()
    assert csv_rows(download(api_as(UserFactory(roles=[])), "/api/v1/campaigns/", "format=csv&dialect=ru"))[1:] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_campaign_file_reimports_unchanged(api_as, marketer, campaigns, fmt):
    # given: the marketer's campaigns exported as a file
    body = download(
        api_as(marketer), "/api/v1/campaigns/", f"format={fmt}&dialect=ru&team={campaigns['parent'].team_id}"
    )
    # when: the file is imported back (a dry run)
    _job, plan = import_file(kind="campaigns", file_name=f"campaigns.{fmt}", content=body, by=marketer)
    # then: every row is there and none would change
    assert len(plan.rows) == 2
    outcomes = {row.label.split(" · ")[0]: (row.outcome, row.errors, row.changes) for row in plan.rows}
    assert outcomes["SPRING-27"] == (RowOutcome.UNCHANGED, [], [])
    # the child's description is text a spreadsheet would evaluate: the XLSX keeps it as it is (Excel's quote
    # prefix); the CSV holds it behind a leading quote, which the import reads as part of the text
    # (docs/EXPORTS.md, "Formulas")
    outcome, errors, changes = outcomes["SPRING-27-WEB"]
    if fmt == "xlsx":
        assert (outcome, errors, changes) == (RowOutcome.UNCHANGED, [], [])
    else:
        assert (outcome, errors) == (RowOutcome.CHANGED, [])
        assert len(changes) == 1 and changes[0].startswith("description:")


def test_a_plain_campaign_file_reimports_every_row_unchanged(api_as, marketer, team, approver, channels):
    for index in range(3):
        CampaignFactory(
            code=f"RT-{index}",
            team=team,
            owner=marketer,
            sponsor=approver if index else None,
            planned_cost=Decimal("12345.67"),
            channels=channels[: index % 3],
            tags="a, b" if index else "",
            description=f"Line one\nline two «{index}»; -minus inside",
            status=["draft", "planned", "active"][index],
        )
    for fmt, dialect in (("csv", "ru"), ("csv", "en"), ("xlsx", "")):
        body = download(api_as(marketer), "/api/v1/campaigns/", f"format={fmt}&dialect={dialect}")
        _job, plan = import_file(kind="campaigns", file_name=f"campaigns.{fmt}", content=body, by=marketer)
        assert [(row.outcome, row.errors, row.changes) for row in plan.rows] == [(RowOutcome.UNCHANGED, [], [])] * 3


# --- the other lists ---------------------------------------------------------------------------------------


@pytest.fixture
def lists(campaigns, marketer, other_team_marketer):
    """One row of each list on the marketer's campaign, on the other team's open one and on its secret one."""
    made = {}
    for key in ("parent", "public", "secret"):
        campaign = campaigns[key]
        owner = campaign.owner
        activity = ActivityFactory(campaign=campaign, name=f"Activity of {campaign.code}", owner=owner)
        TaskFactory(campaign=campaign, activity=activity, title=f"Task of {campaign.code}", assignee=owner)
        funding = FundingRequestFactory(
            campaign=campaign, status="approved", approved_amount=Decimal("5000.00"), amount=Decimal("5000.00")
        )
        CommitmentFactory(funding_request=funding, vendor=f"PO of {campaign.code}", amount=Decimal("-12.50"))
        ExpenseFactory(funding_request=funding, vendor=f"Invoice of {campaign.code}")
        made[key] = funding
    return made


LISTS = {
    # path: (header of the first columns after ID, the column holding the campaign's code)
    "/api/v1/activities/": (["Campaign", "Name", "Type"], 1),
    "/api/v1/tasks/": (["Campaign", "Activity", "Title"], 1),
    "/api/v1/funding-requests/": (["Number", "Campaign", "Category"], 2),
    "/api/v1/commitments/": (["Funding request", "Campaign", "Date"], 2),
    "/api/v1/expenses/": (["Funding request", "Campaign", "Date"], 2),
}


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("marketer", {"SPRING-27"}),
        ("other_team_marketer", {"OTHER-27", "SECRET-27"}),
        ("cmo", {"SPRING-27", "OTHER-27", "SECRET-27"}),
    ],
)
def test_each_list_file_opens_in_both_formats_and_holds_what_the_reader_may_read(
    request, api_as, lists, path, who, codes
):
    headers, code_column = LISTS[path]
    client = api_as(request.getfixturevalue(who))
    if path.startswith(("/api/v1/activities", "/api/v1/tasks")):
        # every marketer reads the campaigns' parts of non-confidential campaigns (PRODUCT.md §2)
        codes = (
            codes
            | ({"OTHER-27"} if who == "marketer" else set())
            | ({"SPRING-27"} if who == "other_team_marketer" else set())
        )
    rows = csv_rows(download(client, path, "format=csv&dialect=ru"))
    assert rows[0][: len(headers) + 1] == ["ID", *headers]
    assert {row[code_column] for row in rows[1:]} == codes
    sheet = xlsx_sheet(download(client, path, "format=xlsx"))
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert {row[code_column] for row in sheet.iter_rows(min_row=2, values_only=True)} == codes


def test_money_and_choices_in_the_budget_files(api_as, finance_user, lists):
    client = api_as(finance_user)
    rows = csv_rows(
        download(client, "/api/v1/funding-requests/", f"format=csv&dialect=ru&campaign={lists['parent'].campaign_id}")
    )
    header = rows[0]
    (row,) = rows[1:]
    assert row[header.index("Amount")] == "5000,00" and row[header.index("Status")] == "Approved"
    assert row[header.index("Number")] == lists["parent"].number
    rows = csv_rows(download(client, "/api/v1/commitments/", "format=csv&dialect=en&search=SPRING"), ",")
    assert [row[rows[0].index("Amount")] for row in rows[1:]] == ["-12.50"]


@pytest.mark.parametrize(
    ("path", "make_row"),
    [
        ("/api/v1/campaigns/", lambda team, owner: CampaignFactory(team=team, owner=owner, channels=_two_channels())),
        ("/api/v1/activities/", lambda team, owner: ActivityFactory(campaign__team=team, campaign__owner=owner)),
        ("/api/v1/tasks/", lambda team, owner: TaskFactory(campaign__team=team, campaign__owner=owner)),
        (
            "/api/v1/funding-requests/",
            lambda team, owner: FundingRequestFactory(campaign__team=team, campaign__owner=owner),
        ),
        ("/api/v1/commitments/", lambda team, owner: CommitmentFactory(funding_request__campaign__team=team)),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_costs_the_same_queries_for_10_and_100_rows(api_as, finance_user, team, marketer, path, make_row, fmt):
    client = api_as(finance_user)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as counted:
            body = download(client, path, f"format={fmt}&dialect=ru")
        rows = csv_rows(body)[1:] if fmt == "csv" else list(xlsx_sheet(body).iter_rows(min_row=2))
        return len(counted), len(rows)

    for _ in range(10):
        make_row(team, marketer)
    download(client, path, f"format={fmt}")  # warm-up: per-process caches
    ten, rows = queries()
    assert rows == 10
    for _ in range(90):
        make_row(team, marketer)
    hundred, rows = queries()
    assert rows == 100
    assert hundred == ten


def _two_channels():
    return list(Channel.objects.order_by("pk")[:2]) or [
        Channel.objects.create(code="q-1", name="Q 1"),
        Channel.objects.create(code="q-2", name="Q 2"),
    ]


# --- the pages' Export menus ---------------------------------------------------------------------------


def test_the_campaign_list_page_offers_the_export_of_its_current_filters(client, marketer, team, campaigns):
    client.force_login(marketer)
    html = client.get(f"/campaigns/?status=planned&team={team.pk}&page=1").content.decode()
    assert 'data-testid="export-menu"' in html
    assert f'href="/api/v1/campaigns/?status=planned&amp;team={team.pk}&amp;format=xlsx"' in html
    assert f'href="/api/v1/campaigns/?status=planned&amp;team={team.pk}&amp;format=csv&amp;dialect=ru"' in html
    # and the link answers the filtered rows
    response = client.get(f"/api/v1/campaigns/?status=planned&team={team.pk}&format=csv&dialect=ru")
    assert [row[1] for row in csv_rows(b"".join(response.streaming_content))[1:]] == ["SPRING-27-WEB"]


def test_the_funding_request_and_approval_pages_offer_their_exports(client, finance_user, lists):
    client.force_login(finance_user)
    html = client.get("/budgets/requests/?status=approved").content.decode()
    assert 'href="/api/v1/funding-requests/?status=approved&amp;format=xlsx"' in html
    html = client.get("/approvals/requests/?status=approved").content.decode()
    assert 'href="/api/v1/approval-requests/?status=approved&amp;format=xlsx"' in html


def test_the_history_exports_on_the_campaign_and_request_pages(client, finance_user, lists):
    client.force_login(finance_user)
    funding = lists["parent"]
    html = client.get(f"/campaigns/{funding.campaign_id}/").content.decode()
    assert f'href="/api/v1/campaigns/{funding.campaign_id}/history/?format=xlsx"' in html
    html = client.get(f"/budgets/requests/{funding.pk}/").content.decode()
    assert f'href="/api/v1/funding-requests/{funding.pk}/history/?format=csv"' in html


def test_an_unknown_dialect_is_refused_on_the_json_list_too(api_as, marketer):
    # the schema lists ru and en for ?dialect= on every list: another value is a 400, not ignored
    answer = api_as(marketer).get("/api/v1/campaigns/?dialect=xx")
    assert answer.status_code == 400 and "dialect" in answer.json()
    assert api_as(marketer).get("/api/v1/campaigns/?dialect=ru").status_code == 200
