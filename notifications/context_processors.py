"""The bell's unread count, for every page: one COUNT query, only when a page shows the bell."""

from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())}
