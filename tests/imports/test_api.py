"""``/api/v1/imports/`` (PRODUCT.md §8): 202 with the job, status and row errors, the stored plan paged, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.models import ActualLine, ExpenseCategory
from imports.choices import JobStatus
from imports.models import ImportJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post_file(client, content, *, kind="categories", name="c.csv", **extra):
    return client.post(
        "/api/v1/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}, format="multipart"
    )


def test_finance_imports_categories_through_the_api(
    api_as, finance_user, categories_csv, django_capture_on_commit_callbacks
):
    client = api_as(finance_user)
    # when the file is uploaded (the job runs after the commit, in-process here)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, categories_csv)
    # then 202 with the job
    assert response.status_code == 202
    body = response.json()
    assert (body["kind"], body["status"], body["file_name"]) == ("categories", "queued", "c.csv")
    # and its status shows the plan's counts
    detail = client.get(f"/api/v1/imports/{body['id']}/").json()
    assert (detail["status"], detail["progress"], detail["counts"]["new"], detail["row_errors"]) == (
        "ready",
        100,
        10,
        [],
    )
    rows = client.get(f"/api/v1/imports/{body['id']}/rows/?page_size=3").json()
    assert rows["count"] == 10
    assert [row["line"] for row in rows["results"]] == [2, 3, 4]
    assert not ExpenseCategory.objects.exists()
    # when confirmed
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert confirmed.status_code == 202
    assert confirmed.json()["status"] == "applying"
    # then applied, once
    detail = client.get(f"/api/v1/imports/{body['id']}/").json()
    assert (detail["status"], detail["result"]["created"], detail["applied_by"]) == ("applied", 10, finance_user.pk)
    assert ExpenseCategory.objects.count() == 10
    again = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 409
    assert "already imported" in again.json()["detail"]


def test_row_errors_and_a_refused_confirmation(api_as, finance_user, django_capture_on_commit_callbacks):
    client = api_as(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post_file(client, b"code,name\nA,\nB,Beta\n").json()["id"]
    detail = client.get(f"/api/v1/imports/{job_id}/").json()
    assert detail["row_errors"] == [{"line": 2, "errors": ["the name is empty"]}]
    errors = client.get(f"/api/v1/imports/{job_id}/rows/?outcome=error").json()
    assert [row["line"] for row in errors["results"]] == [2]
    refused = client.post(f"/api/v1/imports/{job_id}/confirm/")
    assert refused.status_code == 400
    assert "Line 2: the name is empty" in str(refused.json())


def test_accounting_actuals_take_their_source_as_the_mapping(
    api_as, finance_user, accounting_source, accounting_csv, django_capture_on_commit_callbacks
):
    client = api_as(finance_user)
    missing = post_file(client, accounting_csv, kind="actuals", name="e.csv")
    assert missing.status_code == 400 and "mapping" in missing.json()
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post_file(client, accounting_csv, kind="actuals", name="e.csv", mapping=accounting_source.name).json()[
            "id"
        ]
    detail = client.get(f"/api/v1/imports/{job_id}/").json()
    assert detail["counts"]["new"] == 4
    assert detail["row_errors"][0]["line"] == 6
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/imports/{job_id}/confirm/")
    assert ActualLine.objects.count() == 4


def test_bad_uploads_are_400_with_field_messages(api_as, finance_user):
    client = api_as(finance_user)
    assert "kind" in post_file(client, b"code,name\n", kind="horses").json()
    assert "file" in client.post("/api/v1/imports/", {"kind": "categories"}, format="multipart").json()
    assert client.post("/api/v1/imports/", {"kind": "categories"}, format="json").status_code == 400
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["marketer", "approver", "leadership"])
def test_who_may_not_import_gets_403_on_every_route(api_as, finance_user, categories_csv, role):
    from imports.services import import_job_create_from_bytes

    job = import_job_create_from_bytes(kind="categories", file_name="c.csv", content=categories_csv, by=finance_user)
    client = api_as(UserFactory(roles=[role]))
    assert post_file(client, categories_csv).status_code == 403
    assert client.get("/api/v1/imports/").status_code == 403
    assert client.get(f"/api/v1/imports/{job.pk}/").status_code == 403
    assert client.post(f"/api/v1/imports/{job.pk}/confirm/").status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_another_teams_marketer_sees_no_job(api_as, finance_user, other_team_marketer, categories_csv):
    from imports.services import import_job_create_from_bytes

    job = import_job_create_from_bytes(kind="categories", file_name="c.csv", content=categories_csv, by=finance_user)
    client = api_as(other_team_marketer)
    # a marketer may import campaigns, so the imports exist for them, but finance's jobs do not (404)
    assert client.get(f"/api/v1/imports/{job.pk}/rows/").status_code == 404
    assert client.get("/api/v1/imports/").json()["results"] == []


def test_admins_import_and_see_finances_jobs(api_as, finance_user, admin_user, categories_csv):
    from imports.services import import_job_create_from_bytes

    job = import_job_create_from_bytes(kind="categories", file_name="c.csv", content=categories_csv, by=finance_user)
    client = api_as(admin_user)
    assert [item["id"] for item in client.get("/api/v1/imports/").json()["results"]] == [job.pk]
    assert post_file(client, categories_csv).status_code == 202


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/imports/").status_code == 401


def test_an_apply_under_way_shows_its_progress_and_a_broken_cache_loses_only_the_bar(
    api_as, finance_user, accounting_source, accounting_csv, monkeypatch
):
    """The apply holds the job row locked in one transaction: its progress travels through the cache."""
    from budgets import services as budget_services
    from imports import progress
    from imports import services as import_services
    from tests.imports.helpers import import_file

    job, _plan = import_file(
        kind="actuals", file_name="e.csv", content=accounting_csv, by=finance_user, source=accounting_source
    )
    import_services.import_job_confirm(job=job, by=finance_user)
    client = api_as(finance_user)
    seen = []
    matcher = budget_services.match_actual_lines

    def watching(lines):
        # what another process reads while the lines are being matched (after they were created)
        seen.append((progress.current(job.pk), ImportJob.objects.get(pk=job.pk).current_progress))
        return matcher(lines)

    monkeypatch.setattr(budget_services, "match_actual_lines", watching)
    assert import_services.import_job_apply(job.pk).status == JobStatus.APPLIED
    assert seen == [(60, 60)]
    # once applied: 100, and nothing left in the cache
    assert client.get(f"/api/v1/imports/{job.pk}/").json()["progress"] == 100
    assert progress.current(job.pk) is None
    # an apply under way, as the API shows it to the browser polling it
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.APPLYING, progress=0)
    with progress.reporting(job.pk):
        progress.report(0.42)
        assert client.get(f"/api/v1/imports/{job.pk}/").json()["progress"] == 42

    # a cache that fails loses the progress bar, never the import
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(progress.cache, "set", broken)
    monkeypatch.setattr(progress.cache, "get", broken)
    with progress.reporting(job.pk):
        progress.report(0.5)
        assert progress.current(job.pk) is None
