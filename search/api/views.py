"""``GET /api/v1/search/?q=``: global search over what the caller may read (issue 18.4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from mrm.api import ReaderPreferencesMixin
from mrm.bounds import parse_int
from search.api.serializers import SearchResultsSerializer
from search.query import MAX_QUERY_LENGTH, clean_query
from search.registry import provider_types
from search.selectors import DEFAULT_LIMIT, MAX_LIMIT, parse_types, search

#: The furthest a client pages into one type.
MAX_OFFSET = 1000


def _bounded(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    value = parse_int(raw)
    if value is None or not low <= value <= high:
        raise ValidationError({name: [_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]})
    return value


class SearchView(ReaderPreferencesMixin, APIView):
    """Search campaigns, activities, tasks, materials, funding requests (by number too), vendors of
    commitments and expenses, help articles and answered questions, in Russian and English (stemmed on
    PostgreSQL). Only what the caller may read is searched: each type through its own scope. Groups come
    best first; a type without hits is left out."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
                required=True,
                description=f"The words to search for (1 to {MAX_QUERY_LENGTH} characters, not only spaces; "
                "quotes for a phrase, -word to leave a word out, or between alternatives).",
            ),
            OpenApiParameter(
                "type",
                {"type": "array", "items": {"type": "string", "enum": list(provider_types())}},
                explode=False,
                description="Only these types (comma-separated): " + ", ".join(provider_types()) + ".",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                description=f"Hits per type, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
            OpenApiParameter(
                "offset",
                {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                description=f"Skip this many hits of each type (0 to {MAX_OFFSET}).",
            ),
        ],
        responses={200: SearchResultsSerializer},
    )
    def get(self, request):
        try:
            terms = clean_query(request.query_params.get("q", ""))
        except DjangoValidationError as error:
            raise ValidationError({"q": error.messages}) from error
        try:
            types = parse_types(request.query_params.getlist("type"))
        except DjangoValidationError as error:
            raise ValidationError({"type": error.messages}) from error
        limit = _bounded(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _bounded(request, "offset", 0, 0, MAX_OFFSET)
        groups = search(request.user, terms, types=types, limit_per_type=limit, offset=offset)
        return Response(SearchResultsSerializer({"q": terms.text, "groups": groups}).data)
