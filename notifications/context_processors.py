"""The bell's count, for every page: one COUNT query, only when a page shows the bell.

It counts what is still to do: unread and not resolved. A "waiting for your
decision" notice stops counting once the stage is decided, by anyone.
"""

from functools import cache

from notifications.models import Notification


def unread_notifications(request):
    """``unread_notifications``: a callable the template resolves to an int, computed once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        return Notification.objects.visible_to(user).to_do().count()

    return {"unread_notifications": count}
