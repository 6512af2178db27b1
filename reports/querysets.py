"""Who sees which saved view, run and subscription (PRODUCT.md §2, §6).

The figures inside a report are scoped by the models they read; these are
the report app's own records:

- a saved view: its owner, and every signed-in colleague when shared (what
  it shows is then computed with the viewer's own permissions);
- a run (a background export) and its file: its requester only;
- a subscription: its owner (recipients receive the e-mail, not the record).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        return self.filter(Q(owner_id=user.pk) | Q(shared=True))


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A run, its progress and its file belong to whoever asked for it."""
        if not _active(user):
            return self.none()
        return self.filter(requested_by_id=user.pk)


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        return self.filter(owner_id=user.pk)

    def active(self):
        return self.filter(active=True)
