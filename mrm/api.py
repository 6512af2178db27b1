"""The base of MRM's REST API: viewsets that scope by user.

Every viewset of the project derives from :class:`ScopedViewSetMixin`, so a
queryset always passes through its model's ``visible_to(user)`` before it
reaches a list, a detail, an update or a command. An object outside the
user's scope is then a 404, exactly as in the browser.
"""

from __future__ import annotations

import contextlib
import zoneinfo

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, renderers, serializers, viewsets
from rest_framework.response import Response

from mrm.bounds import parse_id
from mrm.messages import render_note


class ReaderPreferencesMixin:
    """Answer in the requesting user's language and time zone, also for token clients.

    The middleware (``accounts.middleware.UserPreferencesMiddleware``) knows
    the user only for session requests: DRF authenticates tokens inside the
    view. So once DRF has authenticated, the user's saved language and time
    zone are activated here, and what the API renders for them (a
    notification's title, a system note) reads as it does in their browser.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        language = getattr(user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        zone = getattr(user, "time_zone", "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone)) if zone else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()

    def finalize_response(self, request, response, *args, **kwargs):
        # The data is rendered by now; the next request on this thread starts from the default zone.
        response = super().finalize_response(request, response, *args, **kwargs)
        timezone.deactivate()
        return response


class BodyReadFirstMixin:
    """Read a write's body before the view runs, so what cannot be read is a 400 everywhere.

    DRF parses ``request.data`` when a view first touches it: a command that
    takes no input (``POST /api/v1/imports/{id}/confirm/``) never did, and
    accepted a body of ``[]``, ``null`` or broken JSON that every other
    operation refuses (mrm/parsers.py). Read after authentication and
    permissions, so an anonymous call is still a 401.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # only for a method the view answers: another is a 405, whatever its body
        if request.method in {"POST", "PUT", "PATCH"} and getattr(self, request.method.lower(), None) is not None:
            # A media type the view does not read is its 415 when it reads the body, after its
            # own checks: who may not write here hears 403/404 first (the permission matrix).
            with contextlib.suppress(exceptions.UnsupportedMediaType):
                request.data  # noqa: B018 - parsing raises ParseError (400)


class ScopedViewSetMixin(BodyReadFirstMixin, ReaderPreferencesMixin):
    """Scope the viewset's queryset to what the requesting user may see.

    The model's queryset must offer ``visible_to(user)``; forgetting it fails
    loudly at the first request instead of leaking another team's data.
    """

    #: A path id is ASCII digits: ``/campaigns/１/`` (a full-width one) matches no route, a 404.
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        """A path id beyond what the database holds is no object (a 404), not an overflow (a 500)."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        if self.lookup_field == "pk" and lookup in self.kwargs and parse_id(self.kwargs[lookup]) is None:
            raise Http404
        return super().get_object()

    def get_queryset(self):
        queryset = super().get_queryset()
        visible_to = getattr(queryset, "visible_to", None)
        if visible_to is None:
            raise ImproperlyConfigured(
                f"{queryset.model.__name__} has no visible_to(user) queryset method; a scoped viewset cannot serve it."
            )
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return queryset.none()
        return visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details, scoped."""


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Full CRUD, scoped; subclasses route writes through services."""


class ScopedCreateReadViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Create, list and read, scoped: for records that are never edited."""


class NoteField(serializers.CharField):
    """A stored note as the reader reads it: a system note (``mrm.messages.note``) rendered in the
    request's language, a person's note as written."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return render_note(value)


class FileRenderer(renderers.BaseRenderer):
    """Lets ``?format=csv|xlsx|pdf`` through content negotiation; the view answers with the file itself."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class PDFRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ErrorsAsJsonMixin:
    """Errors are JSON whatever file format (``?format=csv``...) was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class ListExportMixin(ErrorsAsJsonMixin):
    """``?format=csv|xlsx`` (and ``?dialect=ru|en``) on a list: every row it selects as a file (mrm/exports.py).

    The file holds exactly the list's rows — its scoped queryset with the
    caller's filters, search and ordering — not a page of them, in the form
    the import takes back. A viewset names its columns in ``export_spec`` and
    is wrapped by :func:`exportable_list` for the schema.
    """

    export_spec = None  # an mrm.exports.ExportSpec

    def get_renderers(self):
        # only the list (and a history file) answers files: elsewhere ``?format=csv`` is JSON, and the
        # schema offers no ``format`` on details, writes and commands
        if getattr(self, "action", None) in ("list", "history"):
            return [*super().get_renderers(), CSVRenderer(), XLSXRenderer()]
        return super().get_renderers()

    def export_scope(self, user) -> str:
        """Whose rows the file holds, in words, for its "About" sheet (empty: not said)."""
        return ""

    def get_export_queryset(self):
        """The scoped queryset the file's rows come from, before filters: by default the list's.

        A viewset whose list annotates what only its serializer shows (sums,
        subqueries) answers the plain scoped queryset here: the file reads
        named columns, and the annotations would only cost time.
        """
        return self.get_queryset()

    def perform_content_negotiation(self, request, force=False):
        # ``?format=`` makes a file of the list only: elsewhere (a detail, a create, a method the view does
        # not answer) it chose a renderer, a 404 for an unknown one before the 405, or an empty file
        from mrm.exports import EXPORT_FORMATS

        fmt = request.query_params.get("format")
        if not force and self.action == "history" and fmt in EXPORT_FORMATS:
            return super().perform_content_negotiation(request, force)
        if not force and self.action != "list" and fmt:
            formats = ["json", *EXPORT_FORMATS]
            if self.action is not None and fmt not in formats:  # None: a method the view does not answer (405)
                raise exceptions.ValidationError(
                    {
                        "format": [
                            _("Unknown format %(format)s: use one of %(formats)s.")
                            % {"format": fmt[:20], "formats": ", ".join(formats)}
                        ]
                    }
                )
            return renderers.JSONRenderer(), renderers.JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def list(self, request, *args, **kwargs):
        from mrm import exports
        from mrm.spreadsheets import UnknownDialect, csv_dialect

        fmt = request.query_params.get("format")
        # An unknown dialect is refused whatever the format, as the schema's enum says (not ignored on JSON).
        try:
            dialect = csv_dialect(request.query_params.get("dialect"))
        except UnknownDialect as exc:
            raise exceptions.ValidationError({"dialect": [str(exc)]}) from exc
        if fmt not in exports.EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        if self.paginator is not None:
            # The file holds every row, not a page, but a malformed page or page size is still the 400
            # the schema promises (``?format=xlsx&page=-4`` made a file).
            self.paginator.get_page_size(request)
            self.paginator.get_page_number(request, None)
        queryset = self.filter_queryset(self.get_export_queryset())
        export = exports.ListExport(
            spec=self.export_spec,
            queryset=queryset,
            scope=self.export_scope(request.user),
            filters=applied_filters(request, self.get_queryset(), self),
        )
        return exports.response(export, fmt, dialect)


def applied_filters(request, queryset, view) -> list[tuple[str, str]]:
    """The list's filters, search and ordering as (label, value) pairs: what an export says it holds."""
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.settings import api_settings

    found = []
    filterset = DjangoFilterBackend().get_filterset(request, queryset, view)
    if filterset is not None and filterset.is_valid():
        for name, value in filterset.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            label = filterset.form.fields[name].label or name
            if isinstance(value, (list, tuple)) or hasattr(value, "model"):
                shown = ", ".join(str(item) for item in value)
            else:
                shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
            found.append((str(label), shown))
    search = request.query_params.get(api_settings.SEARCH_PARAM, "").strip()
    if search and (filterset is None or "search" not in filterset.form.fields):
        found.append((str(_("Search")), search))
    ordering = request.query_params.get(api_settings.ORDERING_PARAM, "").strip()
    if ordering and (filterset is None or "ordering" not in filterset.form.fields):
        found.append((str(_("Order")), ordering))
    return found


def exportable_list(serializer_class):
    """Document a viewset's list as the JSON page it is and as its files (``?format=csv|xlsx``, ``?dialect=``)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

    from mrm.exports import EXPORT_FORMATS
    from mrm.spreadsheets import CSV_DIALECTS

    return extend_schema_view(
        list=extend_schema(
            parameters=[
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", *EXPORT_FORMATS],
                    description=(
                        "json (default: a page of the list) or a file of every row selected, "
                        "in the form the import takes back: csv, xlsx."
                    ),
                ),
                OpenApiParameter(
                    "dialect",
                    str,
                    enum=list(CSV_DIALECTS),
                    description=(
                        "CSV only: ru (';', decimal comma) or en (',', decimal point). "
                        "By default the language of the response (Accept-Language)."
                    ),
                ),
            ],
            responses={
                (200, "application/json"): serializer_class(many=True),
                (200, "text/csv"): OpenApiTypes.BINARY,
                (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
            },
        )
    )


def object_history_action(sources_of):
    """A ``GET {id}/history/?format=csv|xlsx`` action: the object's audit history as a file.

    ``sources_of(obj)`` names the history records that belong to the object
    (its own and its parts'); the object is looked up scoped, so one outside
    the caller's scope is a 404.
    """
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, extend_schema
    from rest_framework.decorators import action

    from mrm.exports import EXPORT_FORMATS, history_response
    from mrm.spreadsheets import CSV_DIALECTS, UnknownDialect

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(EXPORT_FORMATS), description="csv (default) or xlsx."),
            OpenApiParameter(
                "dialect",
                str,
                enum=list(CSV_DIALECTS),
                description="CSV only: ru or en; by default the language of the response.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """Who changed what and when on this object (and its parts), as a CSV or XLSX file."""
        obj = self.get_object()
        fmt = request.query_params.get("format") or "csv"
        if fmt not in EXPORT_FORMATS:
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("Unknown format %(format)s: use one of %(formats)s.")
                        % {"format": fmt[:20], "formats": ", ".join(EXPORT_FORMATS)}
                    ]
                }
            )
        try:
            return history_response(request, sources_of(obj), name=f"history-{self.basename}-{obj.pk}")
        except UnknownDialect as exc:
            raise exceptions.ValidationError({"dialect": [str(exc)]}) from exc

    return history
