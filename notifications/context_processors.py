"""The bell's unread count, for every page: one COUNT query, only when a page shows the bell."""

from functools import cache

from notifications.models import Notification


def unread_notifications(request):
    """``unread_notifications``: a callable the template resolves to an int, computed once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        return Notification.objects.visible_to(user).unread().count()

    return {"unread_notifications": count}
