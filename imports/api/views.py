"""``/api/v1/imports/`` (PRODUCT.md §8): upload (202 with the job), status, the stored plan's rows, confirm.

The request never reads the rows: upload stores the file and queues the
job; confirm queues the application of the stored plan. Jobs are scoped by
the importers' rules (a kind the caller may not import is a 404 job);
someone who may import nothing gets a 403.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from imports import services
from imports.api.serializers import (
    ImportJobCreateSerializer,
    ImportJobDetailSerializer,
    ImportJobSerializer,
    ImportMappingSerializer,
    ImportRowSerializer,
)
from imports.choices import RowOutcome
from imports.models import ImportJob
from imports.registry import get_importer, kinds_for
from imports.templates import FORMATS as TEMPLATE_FORMATS
from imports.templates import XLSX_TYPE, template_file
from mrm.api import ScopedCreateReadViewSet
from mrm.parsers import JSONParser

ROW_ERRORS_SHOWN = 100
CONFLICT = OpenApiResponse(OpenApiTypes.OBJECT, description="The job is not ready, or already imported.")


class MayImport(permissions.BasePermission):
    """Imports are for those who may import at least one kind (finance and admins today)."""

    def has_permission(self, request, view) -> bool:
        if request.user and request.user.is_authenticated and not kinds_for(request.user):
            raise PermissionDenied(_("You may not import anything."))
        return True


class ImportJobViewSet(ScopedCreateReadViewSet):
    """Import jobs: upload a file, follow its parsing, page its plan, confirm it."""

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    permission_classes = [permissions.IsAuthenticated, MayImport]
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON: for confirm's empty body
    filterset_fields = ("kind", "status")
    ordering_fields = ("created_at", "applied_at")
    ordering = ("-created_at", "-id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ImportJobDetailSerializer
        if self.action == "create":
            return ImportJobCreateSerializer
        if self.action == "rows":
            return ImportRowSerializer
        if self.action == "mapping":
            return ImportMappingSerializer
        return ImportJobSerializer

    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        errors = job.rows.filter(outcome=RowOutcome.ERROR).order_by("line").values("line", "errors")
        serializer = ImportJobDetailSerializer(job, context={"row_errors": list(errors[:ROW_ERRORS_SHOWN])})
        return Response(serializer.data)

    @extend_schema(
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={202: ImportJobSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 403: OpenApiTypes.OBJECT},
    )
    def create(self, request, *args, **kwargs):
        data = ImportJobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_job_create(
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
            mapping=data.validated_data.get("mapping") or None,
            by=request.user,
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "outcome",
                str,
                required=False,
                enum=RowOutcome.values,
                description="Only the rows of one outcome: " + ", ".join(RowOutcome.values),
            )
        ],
        responses={200: ImportRowSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def rows(self, request, pk=None):
        """The stored plan, row by row, paged (filter ``?outcome=error`` for the rows that will not import).

        The job list's filters do not apply (they would hide the job itself): an unknown outcome is a 400.
        """
        job = self.get_object()
        rows = job.rows.order_by("line")
        outcome = request.query_params.get("outcome")
        if outcome and outcome not in RowOutcome.values:
            raise ValidationError(
                {"outcome": [_("Choose one of %(choices)s.") % {"choices": ", ".join(RowOutcome.values)}]}
            )
        if outcome:
            rows = rows.filter(outcome=outcome)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: ImportJobSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Apply the stored plan (in the background, once); 409 if the job is not ready or already imported."""
        job = services.import_job_confirm(job=self.get_object(), by=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=ImportMappingSerializer,
        responses={202: ImportJobSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        """The column-mapping step: map the file's headers to the importer's columns; the file is read again (202)."""
        job = self.get_object()
        data = ImportMappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_job_map(job=job, mapping=dict(data.validated_data), by=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            200: ImportJobSerializer,
            403: OpenApiResponse(OpenApiTypes.OBJECT),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Not the last applied import, already undone, or something depends on it.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Undo the last applied import of a kind while nothing depends on it: created rows deleted, changes restored."""
        job = services.import_job_undo(job=self.get_object(), by=request.user)
        return Response(ImportJobSerializer(job).data)


class _FileRenderer(renderers.BaseRenderer):
    """Lets ``?format=csv|xlsx`` through DRF's content negotiation; the view answers with the file itself."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class _CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class _XLSXRenderer(_FileRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class ImportTemplateView(APIView):
    """``GET /api/v1/imports/templates/{kind}/?format=xlsx|csv``: the empty file to fill in, headers in the caller's language."""

    permission_classes = [permissions.IsAuthenticated, MayImport]
    renderer_classes = [renderers.JSONRenderer, _XLSXRenderer, _CSVRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever file format was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(TEMPLATE_FORMATS), description="xlsx (default) or csv.")],
        responses={
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, kind):
        importer = services.importer_for(kind, request.user) if get_importer(kind) else None
        columns = importer.template_columns() if importer else []
        if not columns:
            raise NotFound(_("There is no template for this kind of import."))
        file_format = request.query_params.get("format") or "xlsx"
        if file_format not in TEMPLATE_FORMATS:
            raise NotFound(_("Templates come as xlsx or csv."))
        # A token client is known only here (after the middleware ran): the user's saved language decides.
        with translation.override(getattr(request.user, "language", "") or translation.get_language()):
            content, content_type = template_file(importer.template_columns(), file_format)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
        return response
