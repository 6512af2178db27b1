"""Statuses of an import job and what it would do with each row."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where an import job stands.

    ``queued → parsing → ready → applying → applied``; ``failed`` from
    queued, parsing or applying, with the reason in ``error``. Only a
    ``ready`` job can be confirmed, so a plan is applied at most once.
    """

    QUEUED = "queued", _("Queued")
    PARSING = "parsing", _("Reading the file")
    READY = "ready", _("Ready to confirm")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")


class RowOutcome(models.TextChoices):
    """What an import would do with one row of a file (shown in the dry-run preview)."""

    NEW = "new", _("Will be added")
    CHANGED = "changed", _("Will change")
    UNCHANGED = "unchanged", _("No change")
    DUPLICATE = "duplicate", _("Already imported")
    ERROR = "error", _("Error")
