"""The OpenAPI schema tells every answer an operation can give, errors included.

drf-spectacular documents the success of an operation; the refusals come
from layers it does not see (authentication, permissions, the filterset,
``mrm.exceptions.api_exception_handler``, throttles, the database-outage
middleware). :class:`AutoSchema` adds them here, in one place, so each
operation lists exactly the error statuses it can answer, with the body
``api_exception_handler`` writes:

=====  ==========================================================  ==========================
code   when                                                        body
=====  ==========================================================  ==========================
400    a body, query parameters or a command's input are refused   ``ValidationError``
401    no or a wrong token (operations that need a user)           ``Error``
403    the user may not do this (operations that need a user)     ``Error``
404    the ``{id}`` is outside the user's scope; a page past the end  ``Error``
406    an ``Accept`` header the API cannot answer                  ``Error``
409    the object's state refuses the command; a concurrent change  ``Error``
415    a body in a media type the operation does not read          ``Error``
429    too many attempts (views with a throttle)                   ``Error`` + ``Retry-After``
503    the database cannot be reached (``mrm/outage.py``)          ``Error`` + ``Retry-After``
=====  ==========================================================  ==========================

An operation can still declare its own description or body for one of these
codes with ``extend_schema(responses=...)``; only what it leaves out is added.
``tests/mrm/test_schema.py`` walks the schema and holds every operation to this.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers

#: The body of every error but validation (``{"detail": "..."}``), as DRF and mrm/exceptions.py write it.
ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal, its reason translated into the reader's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

#: A 400: field name to its messages (``non_field_errors`` for the whole input), as
#: ``mrm.exceptions.validation_error_payload`` and DRF's serializers write it. A
#: nested field (a list of stages, the lines of a body) nests the same shape, and
#: a body that could not be read at all answers ``{"detail": "..."}``.
VALIDATION_ERROR_SCHEMA = {
    "description": (
        "The input was refused: each refused field (``non_field_errors`` for the input as a whole) "
        "with its messages; nested fields nest the same shape. A body that cannot be read answers "
        '``{"detail": "..."}``; a refusal that names no field is a list of messages. A refusal with a '
        "``code`` may carry numbers (the calendar's ``too_many_events``: ``count`` and ``limit``)."
    ),
    "anyOf": [
        {
            "type": "object",
            "additionalProperties": {
                "anyOf": [{"type": "string"}, {"type": "array"}, {"type": "object"}, {"type": "integer"}]
            },
        },
        {"type": "array", "items": {"type": "string"}},
    ],
}

#: Text without NUL characters, which DRF's CharField and the forms refuse.
NO_NUL_PATTERN = "^[^\\u0000]*$"

#: ... and with at least one character that is not a space (Python's ``str.strip`` spaces).
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"

#: The web addresses Django's URLValidator takes, in their plain ASCII form: http(s)
#: or ftp(s), a host with a top-level domain, then any path. (It also takes
#: addresses by IP and international names; a client may send those, the schema
#: promises the common form.)
URL_PATTERN = (
    "^(?:https?|ftps?)://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
)

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}

#: Status, what it means (the response's description) and the component of its body.
STANDARD_ERRORS = {
    "400": ("The input was refused (field messages).", "ValidationError"),
    "401": ("Not signed in: no token, or a token that is wrong, expired or revoked.", "Error"),
    "403": ("The signed-in user may not do this.", "Error"),
    "404": ("Not found, or outside the user's scope; or a page past the last one.", "Error"),
    "406": ("The Accept header names no media type the API answers in.", "Error"),
    "409": ("The object's current state does not allow this, or it was changed meanwhile.", "Error"),
    "415": ("The body is in a media type this operation does not read.", "Error"),
    "429": ("Too many attempts; see Retry-After.", "Error"),
    "503": ("The service cannot reach its database; see Retry-After.", "Error"),
}
ERROR_COMPONENTS = {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}
RETRY_CODES = {"429", "503"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses of :data:`STANDARD_ERRORS`."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        bounds = self._id_filter_bounds()
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not set(schema) & {"enum", "pattern", "format"}:
                schema["pattern"] = NO_NUL_PATTERN  # query values reach CharFields, which refuse NUL characters
            if parameter["name"] in bounds:
                target = schema["items"] if schema.get("type") == "array" else schema
                if target.get("type") == "integer":
                    target["minimum"], target["maximum"] = bounds[parameter["name"]]
        responses = operation["responses"]
        for code in error_codes(
            operation, method=self.method, path=self.path, throttled=bool(self.view.get_throttles())
        ):
            description, component = STANDARD_ERRORS[code]
            response = responses.setdefault(code, {"description": description})
            if not response.get("content"):
                response["content"] = {"application/json": {"schema": self._error_component(component)}}
            if code in RETRY_CODES:
                response.setdefault("headers", {}).update(RETRY_AFTER)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and schema.get("format") == "decimal" and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field)
        elif direction == "request" and isinstance(field, serializers.URLField):
            schema["pattern"] = URL_PATTERN
        elif direction == "request" and _is_plain_text(field, schema):
            # DRF's CharField refuses NUL characters and, unless blank is allowed, text that is only spaces
            blank_allowed = field.allow_blank or not field.trim_whitespace
            schema["pattern"] = NO_NUL_PATTERN if blank_allowed else NOT_BLANK_PATTERN
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        for name, prop in schema["properties"].items():
            # a text that may be blank: drf-spectacular offers "" as a second oneOf branch,
            # which NO_NUL_PATTERN already allows ("" would match both, and oneOf wants one)
            branches = prop.get("oneOf", [])
            if (
                len(branches) == 2
                and branches[0].get("pattern") == NO_NUL_PATTERN
                and branches[1].get("maxLength") == 0
            ):
                schema["properties"][name] = {**{k: v for k, v in prop.items() if k != "oneOf"}, **branches[0]}
        if direction == "request":
            for name, field in serializer.fields.items():
                if (
                    isinstance(field, serializers.ListSerializer)
                    and not field.allow_empty
                    and name in schema["properties"]
                ):
                    schema["properties"][name]["minItems"] = max(1, schema["properties"][name].get("minItems", 0))
        return schema

    def map_parsers(self):
        """JSON bodies, or a multipart form where a file is uploaded (a form cannot carry a null or a nested value)."""
        media_types = super().map_parsers()
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields if isinstance(serializer, serializers.Serializer) else {}
        if any(isinstance(field, serializers.FileField) for field in fields.values()):
            # a file travels only in a form (the API reads JSON without the file too)
            return [media_type for media_type in media_types if media_type == "multipart/form-data"] or media_types
        return [media_type for media_type in media_types if media_type == "application/json"] or media_types

    def _id_filter_bounds(self) -> dict[str, tuple[int, int]]:
        """The range of each id or integer filter of the view's filterset (mrm/filters.py, mrm/bounds.py)."""
        from mrm import filters
        from mrm.bounds import MAX_ID, MAX_INT, MIN_INT

        filterset = getattr(self.view, "filterset_class", None)
        queryset = getattr(self.view, "queryset", None)
        if filterset is None and getattr(self.view, "filterset_fields", None) and queryset is not None:
            filterset = filters.FilterBackend().get_filterset_class(self.view, queryset)  # built on MRM's FilterSet
        if filterset is None:
            return {}
        ranges = {
            filters.SafeModelChoiceField: (1, MAX_ID),
            filters.SafeModelMultipleChoiceField: (1, MAX_ID),
            filters.IntegerField: (MIN_INT, MAX_INT),
            filters.IdField: (1, MAX_ID),
        }
        found = {}
        for name, filter_ in filterset.base_filters.items():
            for field_class, bounds in ranges.items():  # IntegerField derives from IdField: it is checked first
                if issubclass(filter_.field_class, field_class):
                    found[name] = bounds
                    break
        return found

    def _error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"mrm.schema.{name}", schema=ERROR_COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref


def error_codes(operation: dict, *, method: str, path: str, throttled: bool = False) -> list[str]:
    """The error statuses an operation of the schema can answer (see the module's table)."""
    method = method.upper()
    parameters = operation.get("parameters", [])
    codes = {"406", "503"}
    has_body = "requestBody" in operation or method in {"POST", "PUT", "PATCH"}
    if has_body or any(p["in"] == "query" for p in parameters):
        codes.add("400")
    if "requestBody" in operation:
        codes.add("415")
    if any(requirement for requirement in operation.get("security", [])):
        codes |= {"401", "403"}
    if "{" in path or any(p["name"] == "page" and p["in"] == "query" for p in parameters):
        codes.add("404")
    if method in UNSAFE_METHODS:
        codes.add("409")
    if throttled:
        codes.add("429")
    return sorted(codes)


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The amounts a DecimalField accepts: ASCII digits, at least one, within its digits and its minimum.

    drf-spectacular's pattern (``\\d{0,12}``) lets ``""``, ``"-"`` and non-ASCII
    digits through, which the field refuses; a field with a positive minimum
    refuses zero and a field with no negative minimum refuses the minus sign.
    """
    whole, places = field.max_whole_digits or 1, field.decimal_places or 0
    number = f"[0-9]{{1,{whole}}}" + (f"(?:\\.[0-9]{{1,{places}}})?" if places else "")
    minimum = field.min_value
    sign = "" if minimum is not None and Decimal(minimum) >= 0 else "-?"
    not_zero = "(?!0*(?:\\.0*)?$)" if minimum is not None and Decimal(minimum) > 0 else ""
    return f"^{not_zero}{sign}{number}$"


def _is_plain_text(field, schema: dict) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and schema.get("type") == "string"
        and not set(schema) & {"enum", "pattern", "format"}
        and not getattr(field, "read_only", False)
    )
