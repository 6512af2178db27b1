"""Limits of what an import accepts (issue 15.5): size, rows, zip bombs, time; each with a clear message."""

import io
import random
import string
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from imports import services
from imports.choices import JobStatus

pytestmark = pytest.mark.django_db


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 50) -> bytes:
    """A real workbook plus one part of zeros: about 50 kB that would expand to ``megabytes`` MB."""
    buffer = io.BytesIO(workbook([["code", "name"], ["A", "Alpha"]]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


def upload(content, by, name="c.csv"):
    return services.import_job_create_from_bytes(kind="categories", file_name=name, content=content, by=by)


def test_a_zip_bomb_is_refused_at_upload_before_anything_is_decompressed(finance_user, monkeypatch):
    bomb = zip_bomb()
    assert len(bomb) < 200 * 1024
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    with pytest.raises(ValidationError) as error:
        upload(bomb, finance_user, name="bomb.xlsx")
    assert "possible zip bomb" in error.value.message_dict["file"][0]


def test_a_zip_bomb_uploaded_under_older_limits_fails_its_job_before_parsing(finance_user, settings):
    # given a bomb accepted while the ratio limit was lax
    settings.MRM_IMPORT_MAX_XLSX_RATIO = 100_000
    job = upload(zip_bomb(), finance_user, name="bomb.xlsx")
    # when the limit is back and the job runs
    settings.MRM_IMPORT_MAX_XLSX_RATIO = 100
    job = services.import_job_parse(job.pk)
    # then
    assert job.status == JobStatus.FAILED
    assert "compressed" in job.error and "zip bomb" in job.error


def test_a_workbook_that_expands_beyond_the_size_limit_is_refused(finance_user, settings):
    settings.MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB = 1
    noise = random.Random(15)
    rows = [["code", "name"]] + [
        [f"C{n}", "".join(noise.choices(string.ascii_letters, k=200))] for n in range(8000)
    ]  # ~1.6 MB of text that compresses only ~1.5x
    with pytest.raises(ValidationError) as error:
        upload(workbook(rows), finance_user, name="big.xlsx")
    assert "expands to" in error.value.message_dict["file"][0]
    assert "at most 1 MB" in error.value.message_dict["file"][0]


def test_an_oversized_upload_is_refused(finance_user, settings):
    settings.MRM_IMPORT_MAX_UPLOAD_MB = 1
    content = b"code,name\n" + b"X,Y\n" * 300_000
    with pytest.raises(ValidationError) as error:
        upload(content, finance_user)
    assert error.value.message_dict["file"] == ["The file is 1.1 MB; imports accept at most 1 MB."]


def test_too_many_rows_fail_the_job_with_the_limit(finance_user, settings):
    settings.MRM_IMPORT_MAX_ROWS = 5
    ok = services.import_job_parse(upload(b"code,name\n" + b"".join(b"C%d,N\n" % n for n in range(5)), finance_user).pk)
    assert ok.status == JobStatus.READY
    job = services.import_job_parse(
        upload(b"code,name\n" + b"".join(b"C%d,N\n" % n for n in range(6)), finance_user).pk
    )
    assert job.status == JobStatus.FAILED
    assert job.error == "The file has more than 5 rows; split it into smaller files."
    assert not job.rows.exists()


def test_a_parse_past_its_time_limit_fails_the_job(categories_csv, finance_user, settings):
    settings.MRM_IMPORT_MAX_PARSE_SECONDS = 0
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    assert job.status == JobStatus.FAILED
    assert job.error == "Reading the file took longer than 0 seconds; split it into smaller files."


def test_the_upload_form_shows_the_limit(client, finance_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MRM_IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(finance_user)
    big = SimpleUploadedFile("c.csv", b"code,name\n" + b"X,Y\n" * 300_000, content_type="text/csv")
    response = client.post(reverse("budgets:import_upload", args=["categories"]), {"file": big})
    assert response.status_code == 400
    assert "imports accept at most 1 MB" in response.content.decode()


def test_a_parse_stopped_by_the_tasks_time_limit_says_so(categories_csv, finance_user, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from budgets.imports import importers

    def endless(self, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(importers.CategoriesImporter, "plan", endless)
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Reading the file took longer than 300 seconds")
