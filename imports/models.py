"""An import job and its stored plan.

The uploaded file is kept with the job; parsing it (a Celery job) stores
the plan, one :class:`ImportRow` per data row with what importing it would
do. The preview pages through those rows, and confirming applies exactly
them: the file is never read again after it was parsed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from imports.choices import JOB_STATUS_BADGE, OUTCOME_BADGE, JobStatus, RowOutcome
from imports.registry import get_importer, kinds_for


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The jobs of the kinds ``user`` may import (each importer's rule, PRODUCT.md §2)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = models.Q(pk__in=[])
        for kind in kinds_for(user):
            scope |= models.Q(kind=kind) & get_importer(kind).job_scope(user)
        return self.filter(scope)


class ImportJob(models.Model):
    """One uploaded file on its way from upload to applied: queued, parsing, ready, applying, applied (or failed)."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    options = models.JSONField(_("options"), default=dict, blank=True, help_text=_("The upload's mapping."))
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("For kinds whose rows belong to one team."),
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    header = models.JSONField(_("header"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, help_text=_("What the file names that MRM does not know.")
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    parsed_at = models.DateTimeField(_("parsed at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    @property
    def status_badge(self) -> str:
        return JOB_STATUS_BADGE.get(self.status, "bg-secondary-lt")

    @property
    def kind_label(self) -> str:
        importer = get_importer(self.kind)
        return capfirst(str(importer.title)) if importer else self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.APPLIED, JobStatus.FAILED, JobStatus.UNDONE)

    @property
    def is_working(self) -> bool:
        """Something is happening in the background: the page keeps polling."""
        return self.status in (JobStatus.QUEUED, JobStatus.PARSING, JobStatus.APPLYING)

    @property
    def current_progress(self) -> int:
        """The progress to show: while applying, what the writer reports through the cache (imports.progress)."""
        if self.status == JobStatus.APPLYING:
            from imports import progress

            return progress.current(self.pk) or self.progress
        return self.progress

    @property
    def error_count(self) -> int:
        return int(self.counts.get(RowOutcome.ERROR, 0))

    @property
    def row_count(self) -> int:
        return sum(int(v) for v in self.counts.values())


class ImportRow(models.Model):
    """One data row of the file and what importing it does: the stored plan the preview pages through."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import job"))
    line = models.PositiveIntegerField(_("line"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    label = models.CharField(_("label"), max_length=255, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["job", "line"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        indexes = [models.Index(fields=["job", "outcome", "line"], name="imports_row_job_outcome")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line}"

    @property
    def is_error(self) -> bool:
        return self.outcome == RowOutcome.ERROR

    @property
    def outcome_badge(self) -> str:
        return OUTCOME_BADGE.get(self.outcome, "bg-secondary-lt")


def header_fingerprint(header) -> str:
    """The same headers in any order and case give the same fingerprint (a file from the same source)."""
    import hashlib

    names = sorted({(h or "").strip().casefold() for h in header if (h or "").strip()})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


class ImportMapping(models.Model):
    """How the headers of one source's files map to an importer's columns, remembered for its next file.

    A mapping is saved when someone maps a file's columns: under the
    source's name when they give one, else under the fingerprint of the
    file's headers; the next file of that kind naming the source, or with
    the same headers, is read with it (the preview says so, and the mapping
    can be changed there).
    """

    kind = models.CharField(_("kind"), max_length=40)
    source = models.CharField(
        _("source"), max_length=120, blank=True, help_text=_("The name of the system or file the data comes from.")
    )
    fingerprint = models.CharField(_("header fingerprint"), max_length=64, db_index=True)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("File header → the importer's column key."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "source", "-updated_at"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source"], condition=~models.Q(source=""), name="imports_mapping_unique_source"
            ),
            models.UniqueConstraint(
                fields=["kind", "fingerprint"], condition=models.Q(source=""), name="imports_mapping_unique_headers"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.source or self.fingerprint[:12]}"
