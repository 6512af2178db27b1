"""A file attached to an object of a registered kind (``attachments.registry``), kept when removed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from attachments.registry import get_target, kinds


def _no_upload_to(instance, filename):  # pragma: no cover - services choose the stored name
    raise ValueError("Attachments are stored under a name chosen by attachments.services.")


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of objects ``user`` may read: each kind asks its own app's scoping (removed ones included)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope = models.Q(pk__in=[])
        for kind in kinds():
            scope |= models.Q(target_type=kind, target_id__in=get_target(kind).visible(user).values("pk"))
        return self.filter(scope)

    def present(self):
        return self.filter(removed_at__isnull=True)

    def removed(self):
        return self.filter(removed_at__isnull=False)

    def about(self, kind: str, ids):
        return self.filter(target_type=kind, target_id__in=ids)


class Attachment(models.Model):
    """A brief, a quote, a contract or an invoice on an object; removing it keeps the row, the file and who did it."""

    target_type = models.CharField(_("attached to (kind)"), max_length=30)
    target_id = models.PositiveBigIntegerField(_("attached to (id)"))
    file = models.FileField(_("file"), upload_to=_no_upload_to, max_length=255)
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("attached by")
    )
    uploaded_at = models.DateTimeField(_("attached at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["target_type", "target_id", "uploaded_at"], name="attachments_target")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True, removed_by__isnull=True)
                | models.Q(removed_at__isnull=False, removed_by__isnull=False),
                name="attachments_removed_with_who",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} · {self.name}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def get_download_url(self) -> str:
        return reverse("attachments:download", args=[self.pk])
