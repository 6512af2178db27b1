"""Every write of the import engine: upload, parse (a job), confirm, apply (a job), sweep, purge.

The web request only stores the file and records the job with its task in
one transaction (the outbox); reading a file of 100 000 lines, storing its
plan and applying it happen in Celery jobs, with progress on the job row.
What the preview showed is what is applied: confirming applies the stored
rows, never the file read again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imports import limits, progress
from imports.choices import JobStatus, RowOutcome
from imports.columns import rename_headers
from imports.models import ImportJob, ImportMapping, ImportRow, header_fingerprint
from imports.plans import ImportPlan, PlannedRow
from imports.registry import Importer, get_importer
from imports.tabular import is_xlsx, read_table
from mrm.exceptions import StateConflict
from mrm.jobs import each_locked
from outbox.services import enqueue

logger = logging.getLogger("imports")

PARSE_TASK = "imports.tasks.parse_import_task"
APPLY_TASK = "imports.tasks.apply_import_task"
ROW_BATCH = 5000
#: Error rows listed with a refused all-or-nothing confirmation (the preview shows them all).
LISTED_ERRORS = 20


def _dedupe(task: str, job_id: int) -> str:
    return f"{task}:{job_id}"


def importer_for(kind: str, user) -> Importer:
    """The importer of ``kind`` if ``user`` may use it: unknown is a field error, not allowed a 403."""
    importer = get_importer(kind or "")
    if importer is None:
        raise ValidationError({"kind": _("Unknown import kind.")})
    if not importer.can_import(user):
        raise PermissionDenied(_("You may not import %(kind)s.") % {"kind": importer.title})
    return importer


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_job_create(*, kind: str, upload, by, mapping=None, team=None) -> ImportJob:
    """Store an uploaded file and queue its parsing; returns at once (the job is ``queued``).

    Only what can be judged without reading the rows is checked here: the
    importer and the caller's right to use it, the ``mapping``, the size,
    and for an XLSX its archive's declared sizes (a zip bomb is refused
    before any worker opens it). ``upload`` is a Django ``File`` (an
    ``UploadedFile`` or ``ContentFile`` with a ``name``).
    """
    importer = importer_for(kind, by)
    if importer.column_choices():
        columns, source = clean_column_mapping(importer, mapping)
        options = importer.clean_options(None, by=by)
        if columns:
            options["columns"] = columns
        if source:
            options["source_name"] = source
    else:
        options = importer.clean_options(mapping, by=by)
    size = upload.size
    if not size:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        limits.check_upload_size(size)
        head = upload.read(4)
        upload.seek(0)
        if is_xlsx(upload.name or "", head):
            limits.check_xlsx_archive(upload.read())
            upload.seek(0)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    file_name = (upload.name or "upload").rsplit("/", 1)[-1][:255]
    job = ImportJob(
        kind=importer.kind,
        file_name=file_name,
        file_size=size,
        sha256=_sha256(upload),
        options=options,
        team=team,
        created_by=by,
    )
    job.file.save(file_name, upload if isinstance(upload, File) else File(upload), save=False)
    job.save()
    enqueue(PARSE_TASK, args=[job.pk], dedupe_key=_dedupe(PARSE_TASK, job.pk))
    return job


def clean_column_mapping(importer: Importer, mapping) -> tuple[dict, str]:
    """An upload's or the mapping step's ``{"columns": {"File header": "key" or ""}, "source": "name"}``.

    A key must be one of the importer's columns ("" ignores the file's
    column), and no key may be given to two headers. A bare string names
    the source (its remembered mapping is used).
    """
    if mapping in (None, ""):
        return {}, ""
    if isinstance(mapping, str):
        text = mapping.strip()
        if not text.startswith("{"):
            mapping = {"source": text}
        else:
            try:
                mapping = json.loads(text)
            except ValueError:
                raise ValidationError({"mapping": _("The mapping is not valid JSON.")}) from None
    if not isinstance(mapping, dict):
        raise ValidationError(
            {"mapping": _('Give the mapping as {"columns": {"File header": "key"}, "source": "name"}.')}
        )
    columns = mapping.get("columns") or {}
    source = mapping.get("source") or ""
    if not isinstance(columns, dict) or not isinstance(source, str) or len(source) > 120:
        raise ValidationError(
            {"mapping": _('Give the mapping as {"columns": {"File header": "key"}, "source": "name"}.')}
        )
    keys = dict(importer.column_choices())
    cleaned, taken = {}, {}
    for header, key in columns.items():
        if (
            not isinstance(header, str)
            or not isinstance(key, str | type(None))
            or not header.strip()
            or len(header) > 255
        ):
            raise ValidationError({"mapping": _("Each column of the mapping is a file header and a key.")})
        key = (key or "").strip()
        if key and key not in keys:
            raise ValidationError(
                {
                    "mapping": _("%(key)s is not a column of this import (one of: %(keys)s).")
                    % {"key": key, "keys": ", ".join(keys)}
                }
            )
        if key and key in taken:
            raise ValidationError(
                {
                    "mapping": _("%(key)s is given to two columns: %(first)s and %(second)s.")
                    % {"key": keys[key], "first": taken[key], "second": header.strip()}
                }
            )
        if key:
            taken[key] = header.strip()
        cleaned[header.strip()] = key
    return cleaned, source.strip()


def import_job_create_from_bytes(*, kind: str, file_name: str, content: bytes, by, mapping=None) -> ImportJob:
    """The same from bytes in memory (tests, the demo data, scripts)."""
    return import_job_create(kind=kind, upload=ContentFile(content, name=file_name), by=by, mapping=mapping)


def import_run(*, kind: str, file_name: str, content: bytes, by, mapping=None, apply: bool = True) -> ImportJob:
    """Run an import to the end in this process (the demo data, scripts): upload, parse, confirm, apply.

    The same services as the queued path, so the same rules, limits and
    audit; the queued tasks find the job done and do nothing. ``apply``
    False stops after the dry run. A file refused whole raises its reason.
    """
    job = import_job_create_from_bytes(kind=kind, file_name=file_name, content=content, by=by, mapping=mapping)
    job = import_job_parse(job.pk)
    if job.status == JobStatus.FAILED:
        raise ValidationError(job.error)
    if apply:
        import_job_confirm(job=job, by=by)
        job = import_job_apply(job.pk)
        if job.status != JobStatus.APPLIED:
            raise ValidationError(job.error)
    return job


def _set_progress(job_id: int, status: str, progress: int) -> None:
    ImportJob.objects.filter(pk=job_id, status=status).update(
        progress=max(0, min(int(progress), 99)), updated_at=timezone.now()
    )


def _claim(job_id: int, *, expected: str, working: str) -> ImportJob | None:
    """Move a job from ``expected`` to ``working`` under its row lock; ``None`` if another run has it."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != expected:
            return None
        if job.attempts >= settings.MRM_IMPORT_MAX_ATTEMPTS:
            _fail(
                job, _("The import was stopped: its worker was lost %(attempts)s times.") % {"attempts": job.attempts}
            )
            return None
        job.attempts += 1
        job.status, job.progress, job.error = working, 1, ""
        job.save(update_fields=["status", "progress", "error", "attempts", "updated_at"])
        return job


def _fail(job: ImportJob, reason: str) -> None:
    job.status, job.error = JobStatus.FAILED, reason[:4000]
    job.save(update_fields=["status", "error", "updated_at"])


def _language_of(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def import_job_parse(job_id: int) -> ImportJob | None:
    """Read a queued job's file into its stored plan (the dry run), with progress; idempotent.

    Only a queued job starts, under its row lock, so a message delivered
    twice parses once. The rows are stored with ``bulk_create`` in batches
    (no query per row); the row and time limits stop a hostile file with
    the reason on the job. Row messages are written in the uploader's
    language.
    """
    job = _claim(job_id, expected=JobStatus.QUEUED, working=JobStatus.PARSING)
    if job is None:
        return ImportJob.objects.filter(pk=job_id).first()
    attempt = job.attempts
    importer = get_importer(job.kind)
    deadline = limits.Deadline()
    try:
        if importer is None:
            raise ValidationError(_("Unknown import kind."))
        with translation.override(_language_of(job.created_by)):
            with job.file.open("rb") as handle:
                content = handle.read()
            _set_progress(job.pk, JobStatus.PARSING, 10)
            read_limits = {"max_rows": limits.max_rows(), "deadline": deadline}
            options = dict(job.options or {})
            if importer.column_choices():
                table = read_table(content, job.file_name, **read_limits)
                unmatched = _map_columns(importer, job, table, options)
                if unmatched:
                    _wait_for_mapping(job, attempt, table.header, unmatched, options)
                    return ImportJob.objects.filter(pk=job_id).first()
                plan = importer.plan_table(table=rename_headers(table, options.get("columns") or {}), options=options)
            else:
                plan = importer.plan(
                    content=content, file_name=job.file_name, options=job.options, read_limits=read_limits
                )
            deadline.check()
            _set_progress(job.pk, JobStatus.PARSING, 50)
            with transaction.atomic():
                locked = ImportJob.objects.select_for_update().filter(
                    pk=job.pk, status=JobStatus.PARSING, attempts=attempt
                )
                if not locked.exists():  # a newer attempt took over; it stores its own plan
                    return ImportJob.objects.filter(pk=job_id).first()
                ImportRow.objects.filter(job=job).delete()
                _store_rows(job, plan.rows)
                if options.get("remember"):
                    _remember_mapping(job, table.header, options)
                locked.update(
                    status=JobStatus.READY,
                    progress=100,
                    options=options,
                    header=plan.header if not importer.column_choices() else table.header,
                    counts=plan.counts(),
                    summary=plan.summary,
                    parsed_at=timezone.now(),
                    updated_at=timezone.now(),
                )
    except ValidationError as exc:
        _fail_attempt(job.pk, attempt, JobStatus.PARSING, " ".join(exc.messages))
    except SoftTimeLimitExceeded:  # the task's own limit, a little above the parse-time limit
        _fail_attempt(job.pk, attempt, JobStatus.PARSING, limits.time_limit_error(deadline.seconds).messages[0])
    except Exception:  # recorded on the job for its owner, never lost
        logger.exception("import job %s: parsing failed", job_id)
        _fail_attempt(job.pk, attempt, JobStatus.PARSING, _("The file could not be read (an internal error)."))
    return ImportJob.objects.filter(pk=job_id).first()


def saved_mapping(kind: str, header, *, source: str = "") -> ImportMapping | None:
    """The remembered mapping for a file: the named source's, else the latest one made for the same headers."""
    mappings = ImportMapping.objects.filter(kind=kind)
    if source:
        return mappings.filter(source=source).first()
    return mappings.filter(fingerprint=header_fingerprint(header)).order_by("-updated_at", "-pk").first()


def _map_columns(importer: Importer, job: ImportJob, table, options: dict) -> list[str]:
    """Settle how the file's headers map to the importer's columns; returns the headers still unmatched.

    Headers the importer knows (its keys or headers in either language) need
    nothing. The others take the mapping given with the upload or at the
    mapping step, else the one remembered for the named source or for the
    same headers (recorded in the job's options, so the preview says so).
    """
    given = {h.casefold(): k for h, k in (options.get("columns") or {}).items()}
    unknown = [h for h in table.header if h.strip() and importer.column_of(h) is None]
    unmatched = [h for h in unknown if h.strip().casefold() not in given]
    if unmatched and not options.get("remember"):
        saved = saved_mapping(job.kind, table.header, source=options.get("source_name", ""))
        if saved is not None:
            known = {h.casefold(): k for h, k in saved.columns.items()}
            if all(h.strip().casefold() in known or h.strip().casefold() in given for h in unmatched):
                columns = dict(saved.columns)
                columns.update(options.get("columns") or {})
                options["columns"] = columns
                options["saved_mapping"] = {"id": saved.pk, "source": saved.source}
                return []
    if options.get("columns") and not unmatched and "saved_mapping" not in options:
        options["remember"] = True
    return unmatched


def _wait_for_mapping(job: ImportJob, attempt: int, header: list, unmatched: list, options: dict) -> None:
    """The file's headers are not all known: the job waits for the user's mapping (nothing is planned)."""
    ImportJob.objects.filter(pk=job.pk, status=JobStatus.PARSING, attempts=attempt).update(
        status=JobStatus.MAPPING,
        progress=100,
        header=header,
        options=options,
        summary={"columns": unmatched},
        updated_at=timezone.now(),
    )


def _remember_mapping(job: ImportJob, header: list, options: dict) -> None:
    """Keep the mapping a user gave for this source (or these headers) for its next file."""
    present = {h.strip().casefold() for h in header}
    columns = {h: k for h, k in options["columns"].items() if h.casefold() in present}
    source = options.get("source_name", "")
    fingerprint = header_fingerprint(header)
    lookup = (
        {"kind": job.kind, "source": source} if source else {"kind": job.kind, "source": "", "fingerprint": fingerprint}
    )
    mapping = ImportMapping.objects.select_for_update().filter(**lookup).first()
    if mapping is None:
        mapping = ImportMapping(**lookup, created_by=job.created_by)
    mapping.fingerprint, mapping.columns, mapping.updated_by = fingerprint, columns, job.created_by
    mapping.save()
    options.pop("remember", None)
    options["saved_mapping"] = {"id": mapping.pk, "source": mapping.source}


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping, by) -> ImportJob:
    """The mapping step: the user maps the file's headers to the importer's columns; the file is read again.

    Allowed while the job waits for it, and on a dry run not yet confirmed
    (to change a remembered mapping). The mapping is remembered for the
    source (or the same headers) once the file reads with it.
    """
    importer = importer_for(job.kind, by)
    if not importer.column_choices():
        raise ValidationError({"mapping": _("This kind of import has no column mapping.")})
    columns, source = clean_column_mapping(importer, mapping)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (JobStatus.MAPPING, JobStatus.READY):
        raise StateConflict(
            _("The columns of this file can no longer be mapped; it is %(status)s.")
            % {"status": job.get_status_display().lower()}
        )
    header = {h.strip().casefold() for h in job.header or []}
    for each in columns:
        if each.casefold() not in header:
            raise ValidationError({"mapping": _("The file has no column %(header)s.") % {"header": each}})
    options = {k: v for k, v in (job.options or {}).items() if k not in ("columns", "source_name", "saved_mapping")}
    options.update({"columns": columns, "remember": True})
    if source:
        options["source_name"] = source
    ImportRow.objects.filter(job=job).delete()
    job.options, job.status, job.progress, job.attempts = options, JobStatus.QUEUED, 0, 0
    job.counts, job.summary = {}, {}
    job.save(update_fields=["options", "status", "progress", "attempts", "counts", "summary", "updated_at"])
    enqueue(PARSE_TASK, args=[job.pk], dedupe_key=_dedupe(PARSE_TASK, job.pk))
    return job


def _fail_attempt(job_id: int, attempt: int, status: str, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id, status=status, attempts=attempt).update(
        status=JobStatus.FAILED, error=reason[:4000], updated_at=timezone.now()
    )


def _store_rows(job: ImportJob, rows: list[PlannedRow]) -> None:
    """Insert the plan's rows in multi-row ``INSERT`` statements.

    100 000 rows must be stored in seconds: the rows are plain data (ints,
    short texts, JSON), so they are written as parameters of one statement
    per batch, without building a model instance per row (``bulk_create``
    spent most of its time preparing each field of each instance).
    """
    table = ImportRow._meta.db_table
    columns = ("job_id", "line", "outcome", "label", "data", "changes", "errors")
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    max_params = connection.features.max_query_params or 60_000
    batch = max(1, min(ROW_BATCH, max_params // len(columns)))
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = []
            for row in chunk:
                params += (
                    job.pk,
                    row.line,
                    row.outcome,
                    row.label[:255],
                    dumps(row.data),
                    dumps(row.changes),
                    dumps(row.errors),
                )
            values = ", ".join([placeholder] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({quoted}) VALUES {values}", params)  # noqa: S608 (names are ours)


def stored_plan(job: ImportJob, *, outcomes: Iterable[str] | None = None) -> ImportPlan:
    """The plan as stored when the file was parsed (all rows, or those of ``outcomes``)."""
    rows = job.rows.order_by("line")
    if outcomes is not None:
        rows = rows.filter(outcome__in=list(outcomes))
    return ImportPlan(
        header=list(job.header or []),
        rows=[
            PlannedRow(
                line=row.line,
                outcome=row.outcome,
                label=row.label,
                data=row.data,
                changes=list(row.changes),
                errors=list(row.errors),
            )
            for row in rows.iterator(chunk_size=ROW_BATCH)
        ],
    )


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by) -> ImportJob:
    """Confirm a parsed job: it is applied by a job of its own, exactly as previewed, once.

    Only a ``ready`` job can be confirmed; confirming one that is already
    importing or imported is a conflict (409), so a double click or a
    retried request never applies twice. An importer that applies all or
    nothing (categories, allocations) refuses a plan with errors, listing
    them with their line numbers.
    """
    importer = importer_for(job.kind, by)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.APPLIED:
        raise StateConflict(
            _("This file was already imported on %(when)s.")
            % {"when": timezone.localtime(job.applied_at).strftime("%Y-%m-%d %H:%M")}
        )
    if job.status == JobStatus.APPLYING:
        raise StateConflict(_("This file is being imported."))
    if job.status != JobStatus.READY:
        raise StateConflict(
            _("Only a file that was read can be imported; this one is %(status)s.")
            % {"status": job.get_status_display().lower()}
        )
    if importer.all_or_nothing and job.error_count:
        errors = job.rows.filter(outcome=RowOutcome.ERROR).order_by("line")[:LISTED_ERRORS]
        raise ValidationError(
            [_("Nothing was imported: fix these lines and upload the file again.")]
            + [_("Line %(line)s: %(errors)s") % {"line": row.line, "errors": "; ".join(row.errors)} for row in errors]
        )
    job.status, job.progress, job.attempts = JobStatus.APPLYING, 0, 0
    job.applied_by = by
    job.save(update_fields=["status", "progress", "attempts", "applied_by", "updated_at"])
    enqueue(APPLY_TASK, args=[job.pk], dedupe_key=_dedupe(APPLY_TASK, job.pk))
    return job


def import_job_apply(job_id: int) -> ImportJob | None:
    """Apply a confirmed job's stored plan in one transaction, with the importer's audit; idempotent.

    The job row stays locked for the whole write, and the work is done only
    while it is ``applying``: a task delivered twice, or a sweep racing a
    slow worker, applies nothing a second time. A failure rolls everything
    back and fails the job with the reason.
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status != JobStatus.APPLYING:
                return job
            importer = importer_for(job.kind, job.applied_by)
            with translation.override(_language_of(job.applied_by)), progress.reporting(job.pk):
                plan = stored_plan(job)
                progress.report(0.02)
                job.result = {}  # an importer that can be undone records job.result["written"] here
                result = importer.apply(job=job, rows=plan.rows, by=job.applied_by)
            result = {**job.result, **result, "counts": plan.counts()}
            job.status, job.progress, job.result, job.applied_at = JobStatus.APPLIED, 100, result, timezone.now()
            job.save(update_fields=["status", "progress", "result", "applied_at", "updated_at"])
            return job
    except (ValidationError, PermissionDenied, StateConflict) as exc:
        reason = " ".join(getattr(exc, "messages", [str(exc)]))
    except Exception:
        logger.exception("import job %s: applying failed", job_id)
        reason = _("The import failed (an internal error); nothing was written.")
    ImportJob.objects.filter(pk=job_id, status=JobStatus.APPLYING).update(
        status=JobStatus.FAILED, error=reason[:4000], updated_at=timezone.now()
    )
    return ImportJob.objects.filter(pk=job_id).first()


def undoable_objections(job: ImportJob, by) -> list[str]:
    """Why ``by`` cannot undo ``job`` now (empty: the undo button is shown); no lock, for pages and the API."""
    importer = get_importer(job.kind)
    if importer is None or job.status != JobStatus.APPLIED:
        return [_("Only an applied import can be undone.")]
    if not (by.is_mrm_admin or job.applied_by_id == by.pk):
        return [_("Only the person who confirmed an import, or an admin, may undo it.")]
    later = (
        ImportJob.objects.filter(kind=job.kind, applied_by_id=job.applied_by_id, status=JobStatus.APPLIED)
        .filter(applied_at__gt=job.applied_at)
        .exists()
    )
    if later:
        return [_("Only the last import of this kind can be undone; a later one was applied.")]
    return list(importer.undo_objections(job))


def import_job_undo(*, job: ImportJob, by) -> ImportJob:
    """Take back the last applied import of a kind while nothing depends on it; once (docs/IMPORTS.md).

    The job row is locked for the whole undo, so two undos, or an undo
    racing the apply, run one after the other and the second finds the job
    ``undone`` (409). Only the person who confirmed it or an admin may undo,
    only the last applied import of that kind by that person, and only when
    the importer has no objection (nothing changed or added on top of what
    it wrote since). The importer deletes what it created and restores what
    it changed through its services, with history naming who undid it.
    """
    importer = importer_for(job.kind, by)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.UNDONE:
            raise StateConflict(
                _("This import was already undone on %(when)s.")
                % {"when": timezone.localtime(job.undone_at).strftime("%Y-%m-%d %H:%M")}
            )
        if job.status != JobStatus.APPLIED:
            raise StateConflict(
                _("Only an applied import can be undone; this one is %(status)s.")
                % {"status": job.get_status_display().lower()}
            )
        if not (by.is_mrm_admin or job.applied_by_id == by.pk):
            raise PermissionDenied(_("Only the person who confirmed an import, or an admin, may undo it."))
        objections = undoable_objections(job, by)
        if objections:
            raise StateConflict(" ".join([_("This import cannot be undone:"), *objections]))
        with translation.override(_language_of(by)):
            counts = importer.undo(job=job, by=by)
        job.status, job.undone_by, job.undone_at = JobStatus.UNDONE, by, timezone.now()
        job.result = {**(job.result or {}), "undone": counts}
        job.save(update_fields=["status", "undone_by", "undone_at", "result", "updated_at"])
    return job


def import_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Jobs stuck past ``MRM_IMPORT_STUCK_MINUTES`` lost their worker: queued again, or failed (outbox sweeper).

    A parsing job goes back to ``queued`` (its partial plan was never
    committed); an applying job's transaction was rolled back with its
    worker, so its task is asked for again. Past ``MRM_IMPORT_MAX_ATTEMPTS``
    the claim fails the job with the reason.
    """
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(minutes=settings.MRM_IMPORT_STUCK_MINUTES)
    handled = 0
    for job in each_locked(ImportJob.objects.filter(status=JobStatus.PARSING, updated_at__lt=stuck_before)):
        job.status, job.progress = JobStatus.QUEUED, 0
        job.save(update_fields=["status", "progress", "updated_at"])
        enqueue(PARSE_TASK, args=[job.pk], dedupe_key=_dedupe(PARSE_TASK, job.pk))
        handled += 1
    for job in each_locked(
        ImportJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.APPLYING], updated_at__lt=stuck_before)
    ):
        handled += 1
        if job.status == JobStatus.APPLYING:
            # Each sweep of an applying job is a lost worker: past the limit it fails, never loops forever.
            job.attempts += 1
            if job.attempts >= settings.MRM_IMPORT_MAX_ATTEMPTS:
                _fail(
                    job,
                    _("The import was stopped: its worker was lost %(attempts)s times.") % {"attempts": job.attempts},
                )
                continue
        task = PARSE_TASK if job.status == JobStatus.QUEUED else APPLY_TASK
        enqueue(task, args=[job.pk], dedupe_key=_dedupe(task, job.pk))
        job.save(update_fields=["attempts", "updated_at"])
    return handled


def import_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete jobs never applied after ``MRM_IMPORT_KEEP_UNCONFIRMED_DAYS`` (their file and plan).

    A dry run keeps the file and plan so that Confirm applies exactly what
    was shown; one nobody confirmed is abandoned and its content should not
    stay. Applied jobs are kept as the record of what was imported.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MRM_IMPORT_KEEP_UNCONFIRMED_DAYS)
    purged = 0
    kept = [JobStatus.APPLIED, JobStatus.UNDONE]
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=kept).only("pk", "file"):
        job.file.delete(save=False)
        job.delete()
        purged += 1
    return purged
