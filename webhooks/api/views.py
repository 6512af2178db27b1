"""Webhook endpoints (issue 17.3, PRODUCT.md §8): ``/api/v1/webhooks/`` (+ ``{id}/deliveries/``,
``{id}/rotate-secret/``) and ``POST /api/v1/webhook-deliveries/{id}/redeliver/``.

Only admins and users holding ``webhooks.add_webhook`` (integration users)
may call them (403 for others); each sees their own webhooks, admins all.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from mrm.api import ScopedModelViewSet, ScopedViewSetMixin
from webhooks import services
from webhooks.api.serializers import (
    RedeliveredSerializer,
    WebhookDeliverySerializer,
    WebhookSecretSerializer,
    WebhookSerializer,
)
from webhooks.models import Webhook, WebhookDelivery
from webhooks.permissions import can_manage_webhooks


class CanManageWebhooks(BasePermission):
    message = _("Only administrators and integration users can manage webhooks.")

    def has_permission(self, request, view):
        return can_manage_webhooks(request.user)


class WebhookViewSet(ScopedModelViewSet):
    """Your webhooks (all of them for admins). The secret is in the creation's answer only."""

    queryset = Webhook.objects.select_related("owner")
    serializer_class = WebhookSerializer
    permission_classes = [IsAuthenticated, CanManageWebhooks]
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]
    search_fields = ["name", "url"]

    @extend_schema(responses={201: WebhookSecretSerializer})
    def create(self, request, *args, **kwargs):
        data = WebhookSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        webhook = services.webhook_create(by=request.user, **data.validated_data)
        return Response(WebhookSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.webhook_update(
            webhook=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.webhook_delete(webhook=instance, by=self.request.user)

    @extend_schema(request=None, responses=WebhookSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret (shown once); the old one keeps signing beside it for 24 hours."""
        webhook = services.webhook_rotate_secret(webhook=self.get_object(), by=request.user)
        return Response(WebhookSecretSerializer(webhook).data)

    @extend_schema(request=None, responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log, newest first: every attempt with its request, response code and timing."""
        webhook = self.get_object()
        log = WebhookDelivery.objects.filter(webhook=webhook).select_related("message").order_by("-created_at", "-pk")
        page = self.paginate_queryset(log)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookDeliveryViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Attempts of your webhooks' messages; redeliver one (same ``webhook-id``, same body)."""

    queryset = WebhookDelivery.objects.select_related("message__webhook")
    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsAuthenticated, CanManageWebhooks]

    @extend_schema(request=None, responses={202: RedeliveredSerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send the attempt's message again now; 409 while it is still being retried or its webhook is off."""
        delivery = self.get_object()
        message = services.message_redeliver(message=delivery.message, by=request.user)
        return Response({"detail": _("Redelivery queued."), "message_id": message.key}, status=status.HTTP_202_ACCEPTED)
