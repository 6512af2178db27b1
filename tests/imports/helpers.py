"""Run an import through the engine synchronously, as a worker would, for tests of importers.

``import_file`` uploads, parses (the job's task body) and returns the job
with its stored plan; a file refused whole raises its ``ValidationError``
as the job's error. ``confirm_import`` confirms and applies it and returns
what applying wrote.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from imports import services
from imports.choices import JobStatus


def import_file(*, kind, file_name, content, by, source=None):
    job = services.import_job_create_from_bytes(
        kind=kind, file_name=file_name, content=content, by=by, mapping={"source": source.pk} if source else None
    )
    job = services.import_job_parse(job.pk)
    if job.status == JobStatus.FAILED:
        raise ValidationError(job.error)
    return job, services.stored_plan(job)


def confirm_import(*, batch, by) -> dict:
    """Confirm and apply ``batch`` (a job); raises what confirming refuses, or the apply's failure."""
    services.import_job_confirm(job=batch, by=by)
    job = services.import_job_apply(batch.pk)
    if job.status != JobStatus.APPLIED:
        raise ValidationError(job.error)
    return {
        **job.result,
        "errors": [{"line": row.line, "errors": row.errors} for row in services.stored_plan(job).errors],
    }
