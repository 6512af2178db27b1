"""Who sees which notification: only its recipient, admins included (they are private)."""

from django.db import models


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own notifications; nobody reads another's, not even an admin."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def unresolved(self):
        return self.filter(resolved_at__isnull=True)

    def to_do(self):
        """What the bell counts: unread and not resolved (a decided approval no longer waits on anyone)."""
        return self.filter(read_at__isnull=True, resolved_at__isnull=True)

    def with_list_data(self):
        return self.select_related("actor")
