"""The audit history as a file (issue 17.2): of one object, and of a period for admins and leadership."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import ActivityFactory, CampaignFactory

pytestmark = pytest.mark.django_db

HEADER = ["When", "Who", "Kind", "ID", "Object", "Action", "Changes", "Reason"]


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return b"".join(response.streaming_content)


def change(obj, by, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = by
    obj.save()


@pytest.fixture
def campaign(team, marketer):
    campaign = CampaignFactory(code="HIST-1", name="Old name", team=team, owner=marketer)
    change(campaign, marketer, name="New name", planned_cost=Decimal("900.00"))
    activity = ActivityFactory(campaign=campaign, name="Webinar")
    change(activity, marketer, name="=cmd|' /C calc'!A0")
    return campaign


def test_a_campaigns_history_as_a_russian_csv(api_as, marketer, campaign):
    rows = csv_rows(download(api_as(marketer), f"/api/v1/campaigns/{campaign.pk}/history/?format=csv&dialect=ru"))
    assert rows[0] == HEADER
    by_change = {(row[2], row[5]): row for row in rows[1:]}
    renamed = by_change[("Campaign", "changed")]
    assert renamed[1] == marketer.username and renamed[3] == str(campaign.pk) and renamed[4] == "New name"
    assert "name: Old name → New name" in renamed[6] and "planned cost: 0.00 → 900.00" in renamed[6]
    assert ("Campaign", "created") in by_change and ("Activity", "created") in by_change
    # an activity renamed to a formula is text, neutralised
    assert by_change[("Activity", "changed")][4] == "'=cmd|' /C calc'!A0"
    # newest first
    assert rows[1][2] == "Activity"


def test_a_campaigns_history_as_xlsx(api_as, marketer, campaign):
    body = download(api_as(marketer), f"/api/v1/campaigns/{campaign.pk}/history/?format=xlsx")
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 4
    assert all(row[0].is_date for row in rows)
    formula = next(row[4] for row in rows if row[5].value == "changed" and row[2].value == "Activity")
    assert formula.data_type == "s" and formula.quotePrefix


def test_an_objects_history_is_scoped_like_the_object(api_as, other_team_marketer, marketer, team):
    secret = CampaignFactory(team=team, owner=marketer, confidential=True)
    assert api_as(other_team_marketer).get(f"/api/v1/campaigns/{secret.pk}/history/").status_code == 404
    answer = api_as(marketer).get(f"/api/v1/campaigns/{secret.pk}/history/?format=pdf")
    assert answer.status_code in (400, 404)
    answer = api_as(marketer).get(f"/api/v1/campaigns/{secret.pk}/history/?format=csv&dialect=xx")
    assert answer.status_code == 400 and "dialect" in answer.json()


def test_a_funding_requests_history_holds_its_spend(api_as, finance_user, other_team_marketer):
    expense = ExpenseFactory(vendor="Printer")
    funding = expense.funding_request
    change(funding, finance_user, justification="Changed reason")
    rows = csv_rows(download(api_as(finance_user), f"/api/v1/funding-requests/{funding.pk}/history/?dialect=ru"))
    kinds = {(row[2], row[5]) for row in rows[1:]}
    assert {("Funding request", "created"), ("Funding request", "changed"), ("Expense", "created")} <= kinds
    assert api_as(other_team_marketer).get(f"/api/v1/funding-requests/{funding.pk}/history/").status_code == 404


def test_the_history_of_a_period_for_admins_and_leadership(api_as, admin_user, cmo, marketer, campaign):
    today = timezone.localdate()
    url = f"/api/v1/history/?start={today.isoformat()}&end={today.isoformat()}&format=csv&dialect=ru"
    rows = csv_rows(download(api_as(admin_user), url))
    assert rows[0] == HEADER
    assert {("Campaign", "changed"), ("Activity", "changed")} <= {(row[2], row[5]) for row in rows[1:]}
    assert len(csv_rows(download(api_as(cmo), url))) == len(rows)
    # a period before anything happened holds nothing
    yesterday = today - datetime.timedelta(days=1)
    empty = csv_rows(download(api_as(admin_user), f"/api/v1/history/?start={yesterday}&end={yesterday}&dialect=ru"))
    assert empty == [HEADER]
    # the XLSX opens
    sheet = load_workbook(io.BytesIO(download(api_as(admin_user), url.replace("csv", "xlsx")))).worksheets[0]
    assert sheet.max_row == len(rows)
    # others: 403; bad periods: 400
    assert api_as(marketer).get(url).status_code == 403
    assert api_as(admin_user).get(f"/api/v1/history/?start={today}&end={yesterday}").status_code == 400
    assert api_as(admin_user).get("/api/v1/history/?start=soon&end=later").status_code == 400
    assert api_as(admin_user).get("/api/v1/history/?start=0001-01-01&end=9999-12-31").status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_period_file_costs_the_same_queries_for_10_and_100_changes(api_as, admin_user, team, marketer, fmt):
    today = timezone.localdate()
    client = api_as(admin_user)
    url = f"/api/v1/history/?start={today}&end={today}&format={fmt}"

    def queries():
        with CaptureQueriesContext(connection) as counted:
            download(client, url)
        return len(counted)

    def make(count):
        for _ in range(count):
            funding = FundingRequestFactory(campaign__team=team, campaign__owner=marketer)
            change(funding, marketer, amount=Decimal("1.00"))

    make(10)
    download(client, url)
    ten = queries()
    make(90)
    assert queries() == ten
