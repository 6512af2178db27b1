"""``/api/v1/reports/`` and ``/api/v1/report-runs/`` (PRODUCT.md §6, §8).

A report is code, not a table: its endpoint computes it as the caller
through the registry, so the figures are scoped by the models' own
``visible_to(user)``. Background runs are records and use the scoped base
viewset: another person's run is a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from mrm.api import CSVRenderer, ErrorsAsJsonMixin, PDFRenderer, ScopedCreateReadViewSet, XLSXRenderer
from mrm.exceptions import StateConflict
from mrm.pagination import Pagination
from mrm.spreadsheets import CSV_DIALECTS, UnknownDialect, csv_dialect
from reports import exports, services
from reports.api.serializers import (
    ReportDataSerializer,
    ReportRunCreateSerializer,
    ReportRunSerializer,
    ReportSerializer,
    result_data,
)
from reports.choices import ExportFormat
from reports.models import ReportRun
from reports.permissions import can_download_run, can_view_report
from reports.registry import ReportParamsInvalid, RowWindow, get_report, reports_for

#: Rows of a report's JSON per page by default (``?page_size=`` up to the lists' 200); the files hold every row.
REPORT_JSON_ROWS = 100

#: What ``?format=`` may say on /api/v1/reports/ (the list answers JSON whatever it says).
FORMATS = ["json", *ExportFormat.values]

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=FORMATS,
    description="json (default) or a file: csv, xlsx, pdf. Any other is refused (400).",
)
DIALECT_PARAMETER = OpenApiParameter(
    "dialect",
    str,
    enum=list(CSV_DIALECTS),
    description=(
        "CSV only: ru (';', decimal comma) or en (',', decimal point). "
        "By default the language of the response (Accept-Language)."
    ),
)
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filters, with field messages."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="The report is not available to you."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such report, or a page of rows past the last."),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many rows for a synchronous answer: use report runs."),
}


class ReportViewSet(ErrorsAsJsonMixin, viewsets.ViewSet):
    """The reports the caller may open, and each report computed with its filters as the caller sees it."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-z0-9]+"
    pagination_class = Pagination  # a list like every other: count/next/previous/results
    renderer_classes = [renderers.JSONRenderer, CSVRenderer, XLSXRenderer, PDFRenderer]

    def perform_content_negotiation(self, request, force=False):
        # The list of reports is JSON whatever ``?format=`` says: only a report itself comes as a file.
        # An unknown format is answered (in JSON) by the action, after the method is known to be allowed:
        # DRF would answer 404 for a format no renderer has.
        fmt = request.query_params.get("format")
        if self.action == "list" or force or (fmt and fmt not in FORMATS):
            return renderers.JSONRenderer(), renderers.JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def _check_format(self, request) -> str:
        fmt = request.query_params.get("format") or "json"
        if fmt not in FORMATS:
            raise ValidationError(
                {
                    "format": [
                        _("Unknown format %(format)s: use one of %(formats)s.")
                        % {"format": fmt[:20], "formats": ", ".join(FORMATS)}
                    ]
                }
            )
        return fmt

    @extend_schema(responses={200: ReportSerializer(many=True)})
    def list(self, request):
        self._check_format(request)
        results = []
        for report in reports_for(request.user):
            results.append(
                {
                    "slug": report.slug,
                    "title": str(report.title),
                    "description": str(report.description),
                    "formats": ["json", *ExportFormat.values],
                    "parameters": report.parameters(),
                    "url": request.build_absolute_uri(f"{request.path}{report.slug}/"),
                }
            )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(ReportSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            DIALECT_PARAMETER,
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="JSON only: the page of rows (from 1); a page past the last is a 404. Files hold every row.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1},
                description=f"JSON only: rows per page (default {REPORT_JSON_ROWS}); above 200 returns 200.",
            ),
            OpenApiParameter(
                "filters",
                OpenApiTypes.OBJECT,
                style="form",
                explode=True,
                required=False,
                description="The report's parameters (see /api/v1/reports/), e.g. ?group_by=team&period=3.",
            ),
        ],
        responses={
            (200, "application/json"): ReportDataSerializer,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **ERRORS,
        },
    )
    def retrieve(self, request, slug=None):
        report = get_report(slug or "")
        if report is None:
            raise Http404(_("There is no such report."))
        if not can_view_report(request.user, report):
            raise PermissionDenied(_("This report is not available to you."))
        fmt = self._check_format(request)
        try:
            dialect = csv_dialect(request.query_params.get("dialect"))
        except UnknownDialect as exc:
            raise ValidationError({"dialect": [str(exc)]}) from exc
        skip = ("format", "page", "page_size", "dialect")
        params = {k: v for k, v in request.query_params.items() if k not in skip and v}
        if fmt == "json":
            return Response(self._json_page(request, report, params))
        # A file holds every row, but a malformed page or page size is still the 400 the schema promises.
        paginator = self.pagination_class()
        paginator.get_page_size(request)
        paginator.get_page_number(request, None)
        result, rows = report.run_up_to(request.user, params, services.sync_max_rows())
        if result is None:
            raise StateConflict(
                _("%(rows)s rows are too many to export at once: create a report run (/api/v1/report-runs/).")
                % {"rows": rows}
            )
        response = HttpResponse(exports.render(result, fmt, dialect=dialect), content_type=exports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{exports.file_name(result, fmt)}"'
        return response

    def _json_page(self, request, report, params) -> dict:
        """One page of the report's rows (``?page=``, ``?page_size=``), with the totals and chart of the report.

        A wide report answers as a list does: ROI per campaign of a large
        department is 10 000 rows, which the files (CSV, XLSX, report runs)
        hold; the JSON holds a page of them, computed by the database.
        """
        paginator = self.pagination_class()
        paginator.page_size = REPORT_JSON_ROWS
        size = paginator.get_page_size(request)
        number = paginator.get_page_number(request, None)
        form = report.form(params, request.user)
        if not form.is_valid():
            raise ReportParamsInvalid(form)
        result = report.result(request.user, form, RowWindow.page(number, size))
        pages = max(-(-result.rows_total // size), 1)
        if number > pages:
            raise NotFound(
                _("There is no page %(number)s: the report has %(pages)s.") % {"number": number, "pages": pages}
            )
        url = request.build_absolute_uri()
        return result_data(
            result,
            next_url=replace_query_param(url, "page", number + 1) if number < pages else None,
            previous_url=(
                (replace_query_param(url, "page", number - 1) if number > 2 else remove_query_param(url, "page"))
                if number > 1
                else None
            ),
        )


class _NoFormatOverride:
    """DRF's settings, but ``?format=`` chooses no renderer (it is a filter where this is used)."""

    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class FormatIsAFilter(DefaultContentNegotiation):
    """Content negotiation by the Accept header only: ``?format=csv`` filters report runs by their file format.

    By default DRF reads ``?format=`` as the renderer to answer with, so
    ``/api/v1/report-runs/?format=csv`` answered 404 (no CSV renderer) instead of
    the runs that made a CSV file.
    """

    settings = _NoFormatOverride()


class ReportRunViewSet(ScopedCreateReadViewSet):
    """Background exports: create one, follow its status and progress, download its file (requester only)."""

    content_negotiation_class = FormatIsAFilter

    queryset = ReportRun.objects.all()
    serializer_class = ReportRunSerializer
    filterset_fields = ("report", "status", "format")
    ordering_fields = ("created_at", "finished_at")
    ordering = ("-created_at", "-id")

    @extend_schema(request=ReportRunCreateSerializer, responses={201: ReportRunSerializer})
    def create(self, request, *args, **kwargs):
        data = ReportRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.report_run_create(
            report=data.validated_data["report"],
            params=data.validated_data["params"],
            format=data.validated_data["format"],
            dialect=data.validated_data.get("dialect") or "",
            by=request.user,
        )
        return Response(ReportRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            **{
                (200, content_type.split(";")[0]): OpenApiTypes.BINARY
                for content_type in exports.CONTENT_TYPES.values()
            },
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Not ready, failed, or the file was deleted."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        if not can_download_run(request.user, run):
            raise PermissionDenied(_("Only the person who asked for this export may download it."))
        if not run.is_downloadable:
            raise StateConflict(
                _("The file is not available: the export is %(status)s.") % {"status": run.get_status_display()}
            )
        return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file_name or None)
