"""``/api/v1/reports/`` and ``/api/v1/report-runs/`` (PRODUCT.md §8)."""

import io

import openpyxl
import pytest

from reports.choices import RunStatus
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_the_list_describes_each_report_and_its_parameters(api_as, marketer):
    response = api_as(marketer).get("/api/v1/reports/")
    assert response.status_code == 200
    payload = response.json()
    slugs = [r["slug"] for r in payload["results"]]
    assert slugs[:2] == ["campaign-status", "budget-vs-actual"]
    assert "spend-without-request" not in slugs
    assert payload["count"] == len(slugs)
    budget = next(r for r in payload["results"] if r["slug"] == "budget-vs-actual")
    group_by = next(p for p in budget["parameters"] if p["name"] == "group_by")
    assert group_by["type"] == "choice"
    assert {"value": "team", "label": "Team"} in group_by["choices"]
    assert {"name": "period", "type": "integer", "label": "Fiscal period", "required": False} in budget["parameters"]


def test_a_report_as_json_carries_money_as_decimal_strings(api_as, money_world, finance_user):
    response = api_as(finance_user).get("/api/v1/reports/budget-vs-actual/?group_by=team")
    assert response.status_code == 200
    payload = response.json()
    brand = next(row for row in payload["rows"] if row["team"] == "Brand")
    assert brand["allocated"] == "150000.00"
    assert brand["utilisation"] == "20.0"
    assert payload["totals"]["actual"] == "65000.00"
    assert payload["params"] == {"group_by": "team"}
    assert payload["chart"]["labels"] == ["Brand", "Events"]
    assert {"key": "allocated", "label": "Allocated", "type": "money"} in payload["columns"]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_a_report_as_a_file(api_as, money_world, finance_user, fmt, content_type):
    response = api_as(finance_user).get(f"/api/v1/reports/roi/?format={fmt}&group_by=channel")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert len(response.content) > 100


def test_csv_has_a_header_rows_and_totals(api_as, money_world, finance_user):
    body = api_as(finance_user).get("/api/v1/reports/budget-vs-actual/?format=csv&group_by=team").content
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[1] == '"Figures of","All teams"'
    assert lines[5].startswith('"Team","Allocated (₽)","Requested (₽)"')
    assert lines[6].startswith('"Brand",150000.00,75000.00,50000.00,40000.00,30000.00')
    assert lines[-1].startswith('"Total",230000.00')


def test_the_csv_follows_the_callers_language_and_dialect_overrides_it(api_as, money_world, marketer):
    client = api_as(marketer)
    url = "/api/v1/reports/budget-vs-actual/?format=csv&group_by=team"
    # given a caller reading in Russian: semicolons and decimal commas, Russian words
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode("utf-8-sig").splitlines()
    assert russian[1] == '"Цифры по";"Команда: Brand"'
    assert russian[6].startswith('"Brand";150000,00;75000,00')
    # when the same caller asks for the English dialect
    english = client.get(url + "&dialect=en", HTTP_ACCEPT_LANGUAGE="ru").content.decode("utf-8-sig").splitlines()
    # then commas and points, the words still Russian
    assert english[1] == '"Цифры по","Команда: Brand"'
    assert english[6].startswith('"Brand",150000.00,75000.00')


def test_an_unknown_dialect_is_a_400_naming_the_parameter(api_as, money_world, finance_user):
    response = api_as(finance_user).get("/api/v1/reports/budget-vs-actual/?format=csv&dialect=de")
    assert response.status_code == 400
    assert "choose ru" in response.json()["dialect"][0]


def test_bad_filters_are_a_400_with_field_messages_even_for_files(api_as, finance_user):
    response = api_as(finance_user).get("/api/v1/reports/budget-vs-actual/?format=pdf&team=abc&group_by=x")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"team", "group_by"}


def test_unknown_report_is_404_and_a_finance_report_is_403_for_others(api_as, marketer, finance_user):
    client = api_as(marketer)
    assert client.get("/api/v1/reports/nope/").status_code == 404
    assert client.get("/api/v1/reports/spend-without-request/").status_code == 403
    assert api_as(finance_user).get("/api/v1/reports/spend-without-request/").status_code == 200


def test_anonymous_calls_are_401(api_client):
    assert api_client.get("/api/v1/reports/").status_code == 401
    assert api_client.get("/api/v1/report-runs/").status_code == 401


def test_too_many_rows_for_a_synchronous_file_is_a_409(api_as, money_world, finance_user, settings):
    settings.MRM_REPORT_SYNC_MAX_ROWS = 1
    response = api_as(finance_user).get("/api/v1/reports/budget-vs-actual/?format=xlsx&group_by=team")
    assert response.status_code == 409
    assert "/api/v1/report-runs/" in response.json()["detail"]


def test_a_report_run_is_created_followed_and_downloaded(
    api_as, money_world, finance_user, django_capture_on_commit_callbacks
):
    client = api_as(finance_user)
    # when finance asks for a background XLSX of budget vs actual by category
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/report-runs/",
            {"report": "budget-vs-actual", "params": {"group_by": "category"}, "format": "xlsx"},
            format="json",
        )
    assert created.status_code == 201
    assert created.json()["status"] == "queued"
    # then the run is done, with its progress at 100 and a download link
    status = client.get(f"/api/v1/report-runs/{created.json()['id']}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["rows"] == 2
    download = client.get(status["download_url"])
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.active["A6"].value == "Category"
    assert workbook.active["A2"].value == "Figures of: All teams"


def test_a_csv_run_keeps_the_dialect_asked_for(api_as, money_world, finance_user, django_capture_on_commit_callbacks):
    client = api_as(finance_user)
    # when finance, reading in English, asks for a background CSV in the Russian dialect
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/report-runs/",
            {"report": "budget-vs-actual", "params": {"group_by": "team"}, "format": "csv", "dialect": "ru"},
            format="json",
        )
    assert created.status_code == 201 and created.json()["dialect"] == "ru"
    # then the file has semicolons and decimal commas
    status = client.get(f"/api/v1/report-runs/{created.json()['id']}/").json()
    lines = b"".join(client.get(status["download_url"]).streaming_content).decode("utf-8-sig").splitlines()
    assert lines[6].startswith('"Brand";150000,00')
    # and an unknown dialect is refused
    refused = client.post("/api/v1/report-runs/", {"report": "roi", "format": "csv", "dialect": "fr"}, format="json")
    assert refused.status_code == 400 and "dialect" in refused.json()


def test_a_run_with_bad_filters_is_refused(api_as, finance_user):
    response = api_as(finance_user).post(
        "/api/v1/report-runs/", {"report": "roi", "params": {"group_by": "nope"}, "format": "pdf"}, format="json"
    )
    assert response.status_code == 400
    assert "group_by" in response.json()
    response = api_as(finance_user).post("/api/v1/report-runs/", {"report": "nope", "format": "pdf"}, format="json")
    assert response.status_code == 400


def test_a_run_that_is_not_finished_cannot_be_downloaded(api_as, finance_user):
    run = ReportRun.objects.create(report="roi", format="pdf", requested_by=finance_user, status=RunStatus.RUNNING)
    response = api_as(finance_user).get(f"/api/v1/report-runs/{run.pk}/download/")
    assert response.status_code == 409


def test_someone_elses_run_is_404(api_as, finance_user, marketer):
    run = ReportRun.objects.create(report="roi", format="pdf", requested_by=finance_user)
    client = api_as(marketer)
    assert client.get(f"/api/v1/report-runs/{run.pk}/").status_code == 404
    assert client.get(f"/api/v1/report-runs/{run.pk}/download/").status_code == 404
    assert client.get("/api/v1/report-runs/").json()["count"] == 0
