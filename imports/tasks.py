"""Thin Celery wrappers around the import engine: ids in, idempotent (the job's status decides)."""

from celery import shared_task
from django.conf import settings

PARSE_SECONDS = settings.MRM_IMPORT_MAX_PARSE_SECONDS


@shared_task(
    name="imports.tasks.parse_import_task",
    ignore_result=True,
    soft_time_limit=PARSE_SECONDS + 30,
    time_limit=PARSE_SECONDS + 60,
)
def parse_import_task(job_id: int) -> None:
    """Read an uploaded file into its stored plan; a job already parsed is left alone."""
    from imports.services import import_job_parse

    import_job_parse(job_id)


@shared_task(name="imports.tasks.apply_import_task", ignore_result=True, soft_time_limit=55 * 60, time_limit=60 * 60)
def apply_import_task(job_id: int) -> None:
    """Apply a confirmed job's stored plan once."""
    from imports.services import import_job_apply

    import_job_apply(job_id)


@shared_task(name="imports.tasks.purge_import_jobs_task", ignore_result=True, time_limit=600)
def purge_import_jobs_task() -> int:
    """Delete uploads parsed but never confirmed (MRM_IMPORT_KEEP_UNCONFIRMED_DAYS)."""
    from imports.services import import_jobs_purge

    return import_jobs_purge()
