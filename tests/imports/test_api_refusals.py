"""What the imports API refuses instead of reading (issue 15.6): a body that is not an object, an unknown outcome."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.choices import JobStatus
from imports.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_job(api_as, finance_user, categories_csv, django_capture_on_commit_callbacks):
    client = api_as(finance_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"kind": "categories", "file": SimpleUploadedFile("c.csv", categories_csv)}
        )
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.READY
    return job


@pytest.mark.parametrize("body", ["[]", "[{}]", "null", "7"])
def test_a_confirmation_whose_body_is_not_an_object_is_a_400(api_as, finance_user, ready_job, body):
    # when the confirmation carries a JSON body that is not an object
    response = api_as(finance_user).post(
        f"/api/v1/imports/{ready_job.pk}/confirm/", body, content_type="application/json"
    )
    # then it is refused, as every JSON body of the API (mrm/parsers.py), and nothing is applied
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body must be a JSON object ({…})."}
    ready_job.refresh_from_db()
    assert ready_job.status == JobStatus.READY


def test_an_unknown_outcome_is_a_400_and_a_known_one_filters(api_as, finance_user, ready_job):
    client = api_as(finance_user)
    response = client.get(f"/api/v1/imports/{ready_job.pk}/rows/", {"outcome": "nope"})
    assert response.status_code == 400
    assert "outcome" in response.json()
    assert client.get(f"/api/v1/imports/{ready_job.pk}/rows/", {"outcome": "new"}).json()["count"] == 10
    assert client.get(f"/api/v1/imports/{ready_job.pk}/rows/", {"outcome": "error"}).json()["count"] == 0


def test_the_job_lists_filters_do_not_hide_the_job_from_its_rows(api_as, finance_user, ready_job):
    # ``status`` filters the job list; on a job's rows it was applied to the job itself (a 404)
    response = api_as(finance_user).get(f"/api/v1/imports/{ready_job.pk}/rows/", {"status": "failed"})
    assert response.status_code == 200
    assert response.json()["count"] == 10
