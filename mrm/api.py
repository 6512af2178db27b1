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
