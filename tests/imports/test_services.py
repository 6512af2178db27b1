"""The import engine: upload returns at once, parsing stores the plan, confirming applies exactly it, once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budgets.models import ActualLine, ExpenseCategory
from imports import services
from imports.choices import JobStatus
from imports.models import ImportJob, ImportRow
from mrm.exceptions import StateConflict
from outbox.models import Message

pytestmark = pytest.mark.django_db


def upload(content, by, *, kind="categories", name="c.csv", mapping=None):
    return services.import_job_create_from_bytes(kind=kind, file_name=name, content=content, by=by, mapping=mapping)


def test_upload_stores_the_file_and_queues_parsing_through_the_outbox(categories_csv, finance_user):
    # when
    job = upload(categories_csv, finance_user)
    # then nothing is read yet: the file is kept and its parse task waits in the outbox
    assert job.status == JobStatus.QUEUED
    assert job.file.read() == categories_csv
    assert not ImportRow.objects.exists()
    assert list(Message.objects.values_list("task", "args")) == [(services.PARSE_TASK, [job.pk])]


def test_parsing_stores_the_plan_with_counts_and_is_idempotent(categories_csv, finance_user):
    job = upload(categories_csv, finance_user)
    # when the task runs twice (a redelivered message)
    services.import_job_parse(job.pk)
    services.import_job_parse(job.pk)
    # then the plan is stored once
    job.refresh_from_db()
    assert (job.status, job.progress, job.counts["new"]) == (JobStatus.READY, 100, 10)
    assert job.rows.count() == 10
    assert job.header[:2] == ["code", "name"]
    assert not ExpenseCategory.objects.exists()


def test_confirm_applies_the_stored_plan_not_the_file(categories_csv, finance_user):
    # given a parsed job whose file has since been deleted and one stored row edited
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    job.file.delete(save=True)
    row = job.rows.get(label="MKT")
    row.data = {**row.data, "name": "Marketing (as previewed)"}
    row.save()
    # when
    services.import_job_confirm(job=job, by=finance_user)
    job = services.import_job_apply(job.pk)
    # then what was stored is what was written, with the audit of who did it
    assert job.status == JobStatus.APPLIED
    assert job.result["created"] == 10
    marketing = ExpenseCategory.objects.get(code="MKT")
    assert marketing.name == "Marketing (as previewed)"
    assert marketing.history.last().history_user == finance_user
    assert job.applied_by == finance_user and job.applied_at is not None


def test_a_job_is_applied_once(accounting_csv, accounting_source, finance_user):
    job = services.import_job_parse(
        upload(accounting_csv, finance_user, kind="actuals", mapping=accounting_source.pk).pk
    )
    services.import_job_confirm(job=job, by=finance_user)
    # when the apply task is delivered twice and someone confirms again
    services.import_job_apply(job.pk)
    services.import_job_apply(job.pk)
    with pytest.raises(StateConflict):
        services.import_job_confirm(job=job, by=finance_user)
    # then the lines exist once
    assert ActualLine.objects.count() == 4


def test_two_jobs_of_the_same_export_add_its_lines_once(accounting_csv, accounting_source, finance_user):
    # given the same export uploaded twice and both previews confirmed (neither saw the other's lines)
    first = services.import_job_parse(
        upload(accounting_csv, finance_user, kind="actuals", mapping=accounting_source.pk).pk
    )
    second = services.import_job_parse(
        upload(accounting_csv, finance_user, kind="actuals", mapping=accounting_source.pk).pk
    )
    for job in (first, second):
        services.import_job_confirm(job=job, by=finance_user)
        services.import_job_apply(job.pk)
    # then the second adds nothing and says so
    second.refresh_from_db()
    assert ActualLine.objects.count() == 4
    assert (second.result["created"], second.result["duplicates"]) == (0, 4)


def test_a_file_with_errors_is_not_confirmed_when_the_importer_applies_all_or_nothing(finance_user):
    job = services.import_job_parse(upload(b"code,name\nA,\nB,Beta\n", finance_user).pk)
    with pytest.raises(ValidationError) as error:
        services.import_job_confirm(job=job, by=finance_user)
    assert "Line 2: the name is empty" in error.value.messages
    job.refresh_from_db()
    assert job.status == JobStatus.READY


def test_an_apply_that_fails_writes_nothing_and_says_why(categories_csv, finance_user, monkeypatch):
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    services.import_job_confirm(job=job, by=finance_user)
    from budgets.imports import importers

    def broken(self, **kwargs):
        ExpenseCategory.objects.create(code="HALF", name="Half written")
        raise ValidationError("the database said no")

    monkeypatch.setattr(importers.CategoriesImporter, "apply", broken)
    job = services.import_job_apply(job.pk)
    assert (job.status, job.error) == (JobStatus.FAILED, "the database said no")
    assert not ExpenseCategory.objects.exists()


def test_only_those_who_may_import_a_kind_upload_or_confirm_it(categories_csv, finance_user, marketer, leadership_user):
    for user in (marketer, leadership_user):
        with pytest.raises(PermissionDenied):
            upload(categories_csv, user)
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    with pytest.raises(PermissionDenied):
        services.import_job_confirm(job=job, by=marketer)
    assert list(ImportJob.objects.visible_to(marketer)) == []
    assert list(ImportJob.objects.visible_to(finance_user)) == [job]


def test_an_unknown_kind_is_a_field_error(finance_user):
    with pytest.raises(ValidationError) as error:
        upload(b"a,b\n", finance_user, kind="horses")
    assert error.value.message_dict == {"kind": ["Unknown import kind."]}


def test_actuals_need_a_source_as_their_mapping(accounting_csv, accounting_source, finance_user):
    with pytest.raises(ValidationError) as error:
        upload(accounting_csv, finance_user, kind="actuals")
    assert "mapping" in error.value.message_dict
    # by name, or as JSON
    assert upload(accounting_csv, finance_user, kind="actuals", mapping=accounting_source.name).options == {
        "source": accounting_source.pk
    }
    assert upload(
        accounting_csv, finance_user, kind="actuals", mapping=f'{{"source": {accounting_source.pk}}}'
    ).options == {"source": accounting_source.pk}


def test_a_nul_byte_in_an_accounting_line_is_reported_not_a_failure(accounting_csv, accounting_source, finance_user):
    content = accounting_csv.replace("Листовки".encode("cp1251"), "Лист\x00овки".encode("cp1251"))
    job = services.import_job_parse(upload(content, finance_user, kind="actuals", mapping=accounting_source.pk).pk)
    # the line with the NUL is an error of the plan; the others import
    with_nul = [row for row in services.stored_plan(job).errors if "NUL character" in " ".join(row.errors)]
    assert len(with_nul) == 1
    services.import_job_confirm(job=job, by=finance_user)
    job = services.import_job_apply(job.pk)
    assert job.status == JobStatus.APPLIED
    assert ActualLine.objects.exists()
    assert not ActualLine.objects.filter(line_number=with_nul[0].line).exists()
    assert not any("\x00" in str(values) for values in ActualLine.objects.values_list("vendor", "comment", "raw"))


def test_an_undecodable_file_fails_the_job_naming_the_encodings_tried(finance_user):
    job = services.import_job_parse(upload(b"code,name\nA,\x98\x98\n", finance_user).pk)
    assert job.status == JobStatus.FAILED
    assert "UTF-8, Windows-1251 (cp1251) (byte 13)" in job.error


def test_the_sweeper_requeues_a_job_whose_worker_was_lost(categories_csv, finance_user, settings):
    # given a job left "parsing" by a killed worker, without progress for longer than the limit
    job = upload(categories_csv, finance_user)
    stuck = timezone.now() - datetime.timedelta(minutes=settings.MRM_IMPORT_STUCK_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.PARSING, attempts=1, updated_at=stuck)
    # when the sweeper runs (a job that moved recently is left alone)
    fresh = upload(categories_csv, finance_user)
    ImportJob.objects.filter(pk=fresh.pk).update(status=JobStatus.PARSING, attempts=1)
    assert services.import_jobs_sweep() == 1
    # then the job is queued again and parses on its next delivery
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert services.import_job_parse(job.pk).status == JobStatus.READY


def test_a_job_whose_worker_keeps_dying_fails_with_the_reason(categories_csv, finance_user, settings):
    job = upload(categories_csv, finance_user)
    ImportJob.objects.filter(pk=job.pk).update(attempts=settings.MRM_IMPORT_MAX_ATTEMPTS)
    job = services.import_job_parse(job.pk)
    assert job.status == JobStatus.FAILED
    assert "worker was lost" in job.error


def test_an_apply_whose_worker_keeps_dying_is_failed_by_the_sweeper_not_requeued_forever(
    categories_csv, finance_user, settings
):
    # given a confirmed job left "applying" by a killed worker, again and again
    settings.MRM_IMPORT_MAX_ATTEMPTS = 3
    job = services.import_job_parse(upload(categories_csv, finance_user).pk)
    services.import_job_confirm(job=job, by=finance_user)
    later = timezone.now()
    outcomes = []
    for _sweep in range(3):
        later += datetime.timedelta(minutes=settings.MRM_IMPORT_STUCK_MINUTES + 1)
        # when the sweeper finds it stuck each time
        assert services.import_jobs_sweep(now=later) == 1
        job.refresh_from_db()
        outcomes.append(job.status)
    # then it is asked for again twice, and the third loss fails it with the reason; nothing was written
    assert outcomes == [JobStatus.APPLYING, JobStatus.APPLYING, JobStatus.FAILED]
    assert "worker was lost 3 times" in job.error
    assert services.import_jobs_sweep(now=later + datetime.timedelta(days=1)) == 0
