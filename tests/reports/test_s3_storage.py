"""Generated exports on S3-compatible storage (issue 16.5): written by the worker, read by any web process."""

import pytest
from django.urls import reverse

from reports import services
from reports.choices import RunStatus

pytestmark = pytest.mark.django_db


def export(finance_user, fmt, capture):
    """An export asked for and run (the outbox hands it to the worker on commit; eager in tests)."""
    with capture(execute=True):
        run = services.report_run_create(report="campaign-status", params={}, format=fmt, by=finance_user)
    run.refresh_from_db()
    return run


def test_an_export_is_stored_in_the_bucket_and_downloaded_from_it(
    s3_storage, finance_user, client, settings, django_capture_on_commit_callbacks
):
    # given S3-compatible storage configured, and nothing on the local disk to fall back on
    settings.MEDIA_ROOT = "/nonexistent/mrm-media"
    # when finance asks for an export (a background run; eager in tests)
    run = export(finance_user, "csv", django_capture_on_commit_callbacks)
    # then the file is an object of the bucket under the configured prefix
    assert run.status == RunStatus.DONE
    key = f"{s3_storage.prefix}{run.file.name}"
    assert s3_storage.keys() == [key]
    stored = s3_storage.read(key)
    assert stored.startswith("\ufeff".encode()) and b"Campaign status" in stored
    # and the download, after MRM's own permission check, streams those same bytes
    client.force_login(finance_user)
    response = client.get(reverse("reports:run_download", args=[run.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored


def test_an_expired_export_is_deleted_from_the_bucket(s3_storage, finance_user, django_capture_on_commit_callbacks):
    import datetime

    # given an XLSX export in the bucket
    run = export(finance_user, "xlsx", django_capture_on_commit_callbacks)
    assert len(s3_storage.keys()) == 1
    # when the purge runs after its retention
    purged = services.purge_report_files(now=run.finished_at + datetime.timedelta(days=400))
    # then the object is gone and the run says so
    assert purged == 1 and s3_storage.keys() == []
    run.refresh_from_db()
    assert not run.file and run.file_deleted_at is not None
