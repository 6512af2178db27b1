"""Material endpoints (PRODUCT.md §8): ``/api/v1/materials/`` with ``{id}/versions/`` and ``{id}/submit/``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from materials import permissions, selectors, services
from materials.api.filters import MaterialFilter
from materials.api.serializers import (
    MaterialSerializer,
    MaterialSubmitResultSerializer,
    MaterialSubmitSerializer,
    MaterialUpdateSerializer,
    MaterialVersionSerializer,
    VersionUploadSerializer,
)
from materials.models import Material, MaterialVersion
from mrm.api import ScopedModelViewSet
from mrm.parsers import JSONParser


class MaterialViewSet(ScopedModelViewSet):
    """Materials of the campaigns you may see. Marketers add them to their teams' campaigns;
    versions are uploaded as multipart (``file``, ``note``) to ``{id}/versions/``; ``{id}/submit/``
    opens the approval request of the latest version (decide through ``/api/v1/approval-requests/``)."""

    queryset = Material.objects.all()
    serializer_class = MaterialSerializer
    filterset_class = MaterialFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = ["title", "campaign__code", "campaign__name"]
    ordering_fields = ["created_at", "updated_at", "title", "id"]
    ordering = ["-updated_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.materials_for_list(super().get_queryset())

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MaterialUpdateSerializer
        return super().get_serializer_class()

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def perform_create(self, serializer):
        data = serializer.validated_data
        if not permissions.can_add_material(self.request.user, data["campaign"]):
            raise PermissionDenied(_("Only marketers of the campaign's team can add materials to it."))
        created = services.material_create(by=self.request.user, **data)
        serializer.instance = self._fresh(created.pk)

    def perform_update(self, serializer):
        services.material_update(material=serializer.instance, by=self.request.user, **serializer.validated_data)
        serializer.instance = self._fresh(serializer.instance.pk)

    @extend_schema(methods=["GET"], request=None, responses=MaterialVersionSerializer(many=True))
    @extend_schema(methods=["POST"], request=VersionUploadSerializer, responses={201: MaterialVersionSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], filter_backends=[])
    def versions(self, request, pk=None):
        """GET: the versions, newest first. POST (multipart ``file`` and ``note``): upload a new version;
        after requested changes it is resubmitted at once (409 while a version is under review).
        The material list's filters do not apply here (they would hide the material itself)."""
        material = self.get_object()
        if request.method == "POST":
            if not permissions.can_edit_material(request.user, material):
                raise PermissionDenied(_("Only marketers of the campaign's team can upload versions of its materials."))
            upload = VersionUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            version = services.material_version_upload(
                material=material,
                file=upload.validated_data["file"],
                note=upload.validated_data["note"],
                by=request.user,
            )
            fresh = self._versions(material).get(pk=version.pk)
            return Response(MaterialVersionSerializer(fresh, context=self.get_serializer_context()).data, status=201)
        page = self.paginate_queryset(self._versions(material))
        data = MaterialVersionSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def _versions(self, material):
        return (
            MaterialVersion.objects.filter(material=material)
            .annotate(approval_request_id=selectors.latest_request_subquery())
            .order_by("-number")
        )

    @extend_schema(request=MaterialSubmitSerializer, responses={201: MaterialSubmitResultSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def submit(self, request, pk=None):
        """Open the approval request of the latest version (201 with its id; 409 if one is open or it was decided)."""
        material = self.get_object()
        if not permissions.can_edit_material(request.user, material):
            raise PermissionDenied(_("Only marketers of the campaign's team can submit its materials."))
        data = MaterialSubmitSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(data.errors)
        approval = services.material_submit(material=material, by=request.user, reason=data.validated_data["reason"])
        material.refresh_from_db()
        result = {"approval_request": approval.pk, "version": approval.subject_version, "status": material.status}
        return Response(MaterialSubmitResultSerializer(result).data, status=status.HTTP_201_CREATED)
