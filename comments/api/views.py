"""``/api/v1/comments/``: discussion on campaigns, activities and tasks (issue 18 item 5)."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from rest_framework.permissions import IsAuthenticated

from comments import services
from comments.api.serializers import ObjectCommentSerializer
from comments.models import Comment
from comments.registry import kinds
from mrm.api import ScopedCreateReadViewSet


class WholeNumberFilter(django_filters.NumberFilter):
    """An id filter: a whole number (``1.5`` is a 400, as the schema's integer says)."""

    field_class = forms.IntegerField


class CommentFilter(FilterSet):
    target_type = django_filters.ChoiceFilter(choices=lambda: [(kind, kind) for kind in kinds()])
    target_id = WholeNumberFilter()

    class Meta:
        model = Comment
        fields = ["target_type", "target_id"]


class CommentViewSet(ScopedCreateReadViewSet):
    """Comments on objects you may read, oldest first; filter by ``target_type`` and ``target_id``.

    ``POST {"target_type": "campaign", "target_id": 12, "body": "@olga can you check the dates?"}``
    adds one; each ``@username`` is notified (only people who may read the
    object can be mentioned). Comments are never edited and never change the
    object's state.
    """

    queryset = Comment.objects.select_related("author").prefetch_related("mentions")
    serializer_class = ObjectCommentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.comment_post(
            target_type=data["target_type"], target_id=data["target_id"], body=data["body"], by=self.request.user
        )
