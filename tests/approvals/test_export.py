"""The approval request list as a file (issue 17.2): ``GET /api/v1/approval-requests/?format=csv|xlsx``."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

HOSTILE = "=1+2"


def download(client, query: str) -> bytes:
    response = client.get(f"/api/v1/approval-requests/?{query}")
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_submitter_downloads_their_requests_in_both_formats(api_as, marketer, submit):
    # given: a request with text a spreadsheet would evaluate
    request = submit(reason=HOSTILE, amount="2500.00")
    # when: the CSV in the Russian dialect
    rows = csv_rows(download(api_as(marketer), "format=csv&dialect=ru"))
    # then: the header is row 1, id first; the request's row with its stage, money and neutralised reason
    header = rows[0]
    assert header[:4] == ["ID", "Subject kind", "Subject", "Template"]
    (row,) = rows[1:]
    assert row[0] == str(request.pk)
    assert row[header.index("Amount")] == "2500,00"
    assert row[header.index("Status")] == "In progress"
    assert row[header.index("Current stage")] == "Legal"
    assert row[header.index("Submitted by")] == marketer.username
    assert row[header.index("Reason")] == "'" + HOSTILE
    # and the XLSX: typed, never a formula
    sheet = load_workbook(io.BytesIO(download(api_as(marketer), "format=xlsx"))).worksheets[0]
    cells = list(sheet.iter_rows(min_row=2))[0]
    reason = cells[header.index("Reason")]
    assert reason.value == HOSTILE and reason.data_type == "s" and reason.quotePrefix
    assert cells[header.index("Amount")].value == 2500 and cells[header.index("Submitted at")].is_date


def test_the_file_holds_what_the_reader_may_read_and_the_filters(api_as, marketer, other_team_marketer, legal, submit):
    mine = submit()
    # another team's request: not visible to the marketer, visible to its team's marketer
    theirs = submit(on=other_team_marketer.teams.first(), by=other_team_marketer)
    assert [row[0] for row in csv_rows(download(api_as(marketer), "format=csv&dialect=ru"))[1:]] == [str(mine.pk)]
    seen = {row[0] for row in csv_rows(download(api_as(other_team_marketer), "format=csv&dialect=ru"))[1:]}
    assert seen == {str(theirs.pk)}
    # the filters of the list: what waits on legal
    waiting = csv_rows(download(api_as(legal), "format=csv&dialect=ru&pending_for_me=true"))[1:]
    assert {row[0] for row in waiting} == {str(mine.pk), str(theirs.pk)}
    assert csv_rows(download(api_as(legal), "format=csv&dialect=ru&status=approved"))[1:] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_costs_the_same_queries_for_10_and_100_requests(api_as, admin_user, submit, fmt):
    def queries():
        with CaptureQueriesContext(connection) as counted:
            download(api_as(admin_user), f"format={fmt}")
        return len(counted)

    for _ in range(10):
        submit(on=TeamFactory())
    download(api_as(admin_user), f"format={fmt}")
    ten = queries()
    for _ in range(90):
        submit(on=TeamFactory())
    assert queries() == ten
