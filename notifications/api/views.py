"""``/api/v1/notifications/``: one's own notifications; mark one or all read."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from mrm.api import ScopedReadOnlyViewSet
from notifications import services
from notifications.api.filters import NotificationFilter
from notifications.api.serializers import MarkAllReadResultSerializer, NotificationSerializer
from notifications.models import Notification


class NotificationViewSet(ScopedReadOnlyViewSet):
    """The requesting user's notifications, newest first (``?unread=true`` for unread only)."""

    queryset = Notification.objects.with_list_data()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ("created_at", "read_at")
    ordering = ("-created_at", "-id")
    search_fields = ("title", "body")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(notification=self.get_object(), by=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkAllReadResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(by=request.user)})
