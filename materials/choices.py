"""Kinds of materials and their review statuses (PRODUCT.md §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MaterialKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF")
    VIDEO = "video", _("Video")
    OFFICE = "office", _("Office document")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    """Where a material's latest version stands in its review; moved only by ``materials.services``."""

    DRAFT = "draft", _("Not submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    NONE = "none", _("No preview for this type")
    FAILED = "failed", _("Could not be prepared")


REVIEW_BADGE = {
    ReviewStatus.DRAFT: "bg-secondary-lt",
    ReviewStatus.IN_REVIEW: "bg-blue-lt",
    ReviewStatus.CHANGES_REQUESTED: "bg-yellow-lt",
    ReviewStatus.APPROVED: "bg-green-lt",
    ReviewStatus.REJECTED: "bg-red-lt",
    ReviewStatus.WITHDRAWN: "bg-dark-lt",
}
