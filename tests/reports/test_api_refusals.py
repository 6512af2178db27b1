"""``?format=`` on the reports API (issue 15.6): an unknown format is a 400; on report runs it filters."""

import pytest

from reports.models import ReportRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/reports/", "/api/v1/reports/campaign-status/"])
def test_an_unknown_format_is_a_400_naming_the_formats(api_as, finance_user, url):
    response = api_as(finance_user).get(url, {"format": "docx"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"format": ["Unknown format docx: use one of json, csv, xlsx, pdf."]}


def test_a_known_format_still_answers(api_as, finance_user):
    api = api_as(finance_user)
    assert api.get("/api/v1/reports/", {"format": "csv"}).status_code == 200  # the list is JSON whatever it says
    response = api.get("/api/v1/reports/campaign-status/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_report_runs_filter_by_their_file_format(api_as, finance_user):
    # given two runs, one for each file format
    csv_run = ReportRun.objects.create(report="campaign-status", format="csv", requested_by=finance_user)
    ReportRun.objects.create(report="campaign-status", format="pdf", requested_by=finance_user)
    api = api_as(finance_user)
    # when the runs are filtered by format (DRF took ?format= for a renderer: a 404)
    response = api.get("/api/v1/report-runs/", {"format": "csv"})
    # then the CSV run comes, as JSON
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [csv_run.pk]
    # and an unknown format is a 400 naming the choices
    refused = api.get("/api/v1/report-runs/", {"format": "docx"})
    assert refused.status_code == 400 and "format" in refused.json()
