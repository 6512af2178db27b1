"""Statuses of an import job and what it would do with each row."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where an import job stands.

    ``queued → parsing → ready → applying → applied → undone``; ``failed``
    from queued, parsing or applying, with the reason in ``error``. A file
    whose headers the importer does not all know waits in ``mapping``
    until the user maps them (then ``queued`` again). Only a ``ready`` job
    can be confirmed, so a plan is applied at most once; only the last
    ``applied`` job of a kind and user can be undone, once.
    """

    QUEUED = "queued", _("Queued")
    MAPPING = "mapping", _("Waiting for the column mapping")
    PARSING = "parsing", _("Reading the file")
    READY = "ready", _("Ready to confirm")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class RowOutcome(models.TextChoices):
    """What an import would do with one row of a file (shown in the dry-run preview)."""

    NEW = "new", _("Will be added")
    CHANGED = "changed", _("Will change")
    UNCHANGED = "unchanged", _("No change")
    DUPLICATE = "duplicate", _("Already imported")
    ERROR = "error", _("Error")


# One way to show a status or an outcome: a badge tone (docs/DESIGN.md, mrm/badges.py).
JOB_STATUS_BADGE = {
    JobStatus.QUEUED: "bg-blue-lt",
    JobStatus.MAPPING: "bg-yellow-lt",
    JobStatus.PARSING: "bg-blue-lt",
    JobStatus.READY: "bg-yellow-lt",
    JobStatus.APPLYING: "bg-blue-lt",
    JobStatus.APPLIED: "bg-green-lt",
    JobStatus.FAILED: "bg-red-lt",
    JobStatus.UNDONE: "bg-secondary-lt",
}

OUTCOME_BADGE = {
    RowOutcome.NEW: "bg-blue-lt",
    RowOutcome.CHANGED: "bg-purple-lt",
    RowOutcome.UNCHANGED: "bg-secondary-lt",
    RowOutcome.DUPLICATE: "bg-secondary-lt",
    RowOutcome.ERROR: "bg-red-lt",
}
