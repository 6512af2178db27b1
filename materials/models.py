"""Materials and their versions (PRODUCT.md §5): what is proofed and approved.

A :class:`Material` (a banner, a leaflet, a video) belongs to a campaign; each
upload is a :class:`MaterialVersion` numbered 1..n. A version is the subject
of approval requests (kind ``material_version``), so every decision and
comment stays on record against the version it was made on. Writes go
through ``materials.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from materials.choices import REVIEW_BADGE, MaterialKind, PreviewStatus, ReviewStatus
from materials.querysets import MaterialQuerySet, MaterialVersionQuerySet


class Material(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="materials", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices, default=MaterialKind.IMAGE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="materials", verbose_name=_("owner")
    )
    status = models.CharField(
        _("review status"), max_length=24, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, editable=False
    )
    latest_version = models.ForeignKey(
        "MaterialVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("latest version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MaterialQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [models.Index(fields=["campaign", "status"], name="materials_campaign_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("materials:detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return REVIEW_BADGE.get(self.status, "bg-secondary-lt")


def _no_upload_path(instance, filename):  # pragma: no cover - names are always set by the service
    raise ValueError("Material files are stored under a name chosen by materials.files.storage_name.")


class MaterialVersion(models.Model):
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("material")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_no_upload_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    note = models.TextField(_("note"), blank=True, help_text=_("What changed in this version."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="material_versions",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    previews = models.JSONField(_("previews"), default=list, blank=True, editable=False)
    preview_status = models.CharField(
        _("preview"), max_length=16, choices=PreviewStatus.choices, default=PreviewStatus.PENDING, editable=False
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    objects = MaterialVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["material", "-number"]
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="materials_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="materials_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.material.title} — {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("materials:version", args=[self.pk])

    @property
    def label(self) -> str:
        return f"v{self.number}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def page_count(self) -> int:
        return len(self.previews or [])

    @property
    def preview_pages(self) -> list[dict]:
        """One entry per preview image (a PDF page or the image), with its URL; no query."""
        base = reverse("materials:preview", args=[self.pk])
        return [{"page": page, "url": f"{base}?page={page}"} for page in range(1, self.page_count + 1)]
