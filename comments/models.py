"""A comment on an object of a registered kind (``comments.registry``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.registry import get_target, kinds

#: The longest comment (a discussion, not a document: attach documents).
MAX_BODY = 5000


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments on objects ``user`` may read: each kind asks its own app's scoping."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope = models.Q(pk__in=[])
        for kind in kinds():
            scope |= models.Q(target_type=kind, target_id__in=get_target(kind).visible(user).values("pk"))
        return self.filter(scope)

    def about(self, kind: str, ids):
        return self.filter(target_type=kind, target_id__in=ids)


class Comment(models.Model):
    """What someone said about an object, with the people it mentions; never a decision."""

    target_type = models.CharField(_("about (kind)"), max_length=30)
    target_id = models.PositiveBigIntegerField(_("about (id)"))
    body = models.TextField(_("comment"), max_length=MAX_BODY)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentioned")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="comments_target")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} · {self.body[:40]}"
