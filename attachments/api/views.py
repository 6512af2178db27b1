"""``/api/v1/attachments/``: files on campaigns, activities, tasks, funding requests, commitments and expenses
(issue 18 item 3), each naming its object as ``/api/v1/comments/`` does."""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from attachments import services
from attachments.api.serializers import AttachmentSerializer
from attachments.models import Attachment
from attachments.registry import kinds
from attachments.views import file_response
from mrm.api import ScopedCreateReadViewSet
from mrm.filters import BooleanFilter, FilterSet, IdNumberFilter
from mrm.parsers import JSONParser


class AttachmentFilter(FilterSet):
    target_type = django_filters.ChoiceFilter(choices=lambda: [(kind, kind) for kind in kinds()])
    target_id = IdNumberFilter()
    removed = BooleanFilter(
        method="filter_removed", help_text="true: the removed ones (history); false or absent: the present ones."
    )

    class Meta:
        model = Attachment
        fields = ["target_type", "target_id", "removed"]

    @property
    def qs(self):
        queryset = super().qs
        if self.form.cleaned_data.get("removed") is None:
            queryset = queryset.present()
        return queryset

    def filter_removed(self, queryset, name, value):
        return queryset.removed() if value else queryset.present()


class AttachmentViewSet(mixins.DestroyModelMixin, ScopedCreateReadViewSet):
    """Files attached to objects you may read, oldest first; filter by ``target_type`` and ``target_id``.

    ``POST`` multipart ``target_type``, ``target_id`` and ``file`` attaches one file (who may edit the
    object may; the type is recognised by content; at most ``MRM_ATTACHMENT_MAX_MB``). ``DELETE {id}/``
    removes it from the object, kept in history (``?removed=true`` lists those). The file itself is
    at ``download_url``.
    """

    queryset = Attachment.objects.select_related("uploaded_by")
    serializer_class = AttachmentSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON: to be told which part is missing
    filter_backends = [DjangoFilterBackend]
    filterset_class = AttachmentFilter

    def filter_queryset(self, queryset):
        # The filters (present ones by default) are the list's: a removed attachment is still found by its id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.attachment_add(
            target_type=data["target_type"],
            target_id=data["target_id"],
            file=data.get("file"),
            by=self.request.user,
        )

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in services.CONTENT_TYPES},
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such file, or removed (for readers)."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file itself, always as a download (a removed one only for its object's editors)."""
        return file_response(self.get_object(), request.user)

    def destroy(self, request, *args, **kwargs):
        services.attachment_remove(attachment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
