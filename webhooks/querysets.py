"""Who sees which webhooks: their owner, and admins (all of them)."""

from __future__ import annotations

from django.db import models


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_all_webhooks(user) -> bool:
    return _active(user) and user.is_mrm_admin


class WebhookQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A webhook is its owner's; admins see every one (they answer for what leaves MRM)."""
        if not _active(user):
            return self.none()
        return self if sees_all_webhooks(user) else self.filter(owner_id=user.pk)


class WebhookMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        return self if sees_all_webhooks(user) else self.filter(webhook__owner_id=user.pk)


class WebhookDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _active(user):
            return self.none()
        return self if sees_all_webhooks(user) else self.filter(webhook__owner_id=user.pk)
