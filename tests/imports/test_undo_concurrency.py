"""Races on PostgreSQL with real threads: an import job is undone once, and never while it is being applied."""

import pytest

from campaigns.models import Task
from imports import services
from imports.choices import JobStatus
from imports.models import ImportJob
from mrm.exceptions import StateConflict
from tests.campaigns.factories import CampaignFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TASKS = b"campaign,title\nBR-001,First\nBR-001,Second\n"


@pytest.fixture
def parsed_job(team, marketer):
    CampaignFactory(code="BR-001", team=team, owner=marketer)
    job = services.import_job_create_from_bytes(kind="tasks", file_name="t.csv", content=TASKS, by=marketer)
    return services.import_job_parse(job.pk)


def test_two_undos_at_once_undo_it_once(parsed_job, marketer):
    # given an applied import
    services.import_job_confirm(job=parsed_job, by=marketer)
    services.import_job_apply(parsed_job.pk)
    # when two requests undo it at the same moment
    results = run_together([lambda: services.import_job_undo(job=parsed_job, by=marketer) for _ in range(2)])
    # then one undoes it, the other is told it was already undone, and the tasks are deleted once
    assert sum(isinstance(r, ImportJob) for r in results) == 1, results
    assert sum(isinstance(r, StateConflict) for r in results) == 1, results
    assert not Task.objects.exists()
    assert Task.history.filter(history_type="-").count() == 2
    assert ImportJob.objects.get(pk=parsed_job.pk).result["undone"] == {"deleted": 2, "restored": 0}


def test_an_undo_racing_the_apply_waits_for_it_or_is_refused(parsed_job, marketer):
    # given a confirmed job whose apply task starts at the moment its uploader asks to undo it
    services.import_job_confirm(job=parsed_job, by=marketer)
    results = run_together(
        [
            lambda: services.import_job_apply(parsed_job.pk),
            lambda: services.import_job_undo(job=parsed_job, by=marketer),
        ]
    )
    job = ImportJob.objects.get(pk=parsed_job.pk)
    # then either the undo waited for the apply and took it all back, or it was refused and the import stands
    if isinstance(results[1], StateConflict):
        assert job.status == JobStatus.APPLIED
        assert Task.objects.count() == 2
    else:
        assert job.status == JobStatus.UNDONE, results
        assert not Task.objects.exists()


def test_confirm_and_undo_of_a_ready_job_at_once(parsed_job, marketer):
    results = run_together(
        [
            lambda: services.import_job_confirm(job=parsed_job, by=marketer),
            lambda: services.import_job_undo(job=parsed_job, by=marketer),
        ]
    )
    assert isinstance(results[0], ImportJob), results
    assert isinstance(results[1], StateConflict), results
    # (the apply task runs after the confirm's commit: in-process here)
    assert ImportJob.objects.get(pk=parsed_job.pk).status in (JobStatus.APPLYING, JobStatus.APPLIED)
