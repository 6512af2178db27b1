"""The OpenAPI schema tells the truth (issue 15.6): every error an operation answers, every null a field can be.

The fuzzing gate (tests/gates/test_api_fuzz.py) finds a response the schema does
not declare when generated input happens to provoke it; these tests hold the
whole schema to the rules at once, and the error bodies to what
``mrm.exceptions.api_exception_handler`` really writes.
"""

from __future__ import annotations

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, serializers
from rest_framework.test import APIRequestFactory

from mrm.exceptions import StateConflict, api_exception_handler
from tests.support.fuzz import openapi_document

METHODS = {"get", "post", "put", "patch", "delete"}


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method.upper(), operation


def missing_error_codes(document) -> list[str]:
    """Each operation and the error statuses it can answer but does not declare."""
    found = []
    for path, method, operation in operations(document):
        parameters = operation.get("parameters", [])
        expected = {"406", "503"}
        if any(requirement for requirement in operation.get("security", [])):
            expected |= {"401", "403"}
        if "{" in path or any(p["in"] == "query" and p["name"] == "page" for p in parameters):
            expected.add("404")
        if method in {"POST", "PUT", "PATCH"} or any(p["in"] == "query" for p in parameters):
            expected.add("400")
        if "requestBody" in operation:
            expected.add("415")
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            expected.add("409")
        missing = expected - set(operation["responses"])
        if missing:
            found.append(f"{method} {path}: {', '.join(sorted(missing))}")
    return found


def test_every_operation_declares_every_error_it_can_answer():
    # given the schema the API serves
    document = openapi_document()
    # then each operation lists 401/403 when it needs a user, 404 for an {id} or a page,
    # 400 for input, 409 for a write, 406/503 always
    assert missing_error_codes(document) == []
    # and every error has a JSON body of a shared component; 429 and 503 say when to retry
    for path, method, operation in operations(document):
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                content = response.get("content", {}).get("application/json", {})
                assert "schema" in content, f"{method} {path} {code} has no JSON body"
            if code in {"429", "503"}:
                assert "Retry-After" in response.get("headers", {}), f"{method} {path} {code}"


def test_the_token_endpoint_declares_its_throttle():
    responses = openapi_document()["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in responses
    assert "401" not in responses  # it takes no token


def test_the_error_check_bites():
    # given a schema whose write to an object declares only its success
    document = {
        "paths": {
            "/api/v1/things/{id}/": {
                "patch": {"security": [{"tokenAuth": []}], "requestBody": {}, "responses": {"200": {}}}
            }
        }
    }
    # then every error it can answer is missing
    assert missing_error_codes(document) == ["PATCH /api/v1/things/{id}/: 400, 401, 403, 404, 406, 409, 415, 503"]


def error_schema(name: str) -> dict:
    document = openapi_document()
    return {**document["components"]["schemas"][name], "components": document["components"]}


def _resolve(schema: dict) -> dict:
    components = schema.pop("components")
    return {**schema, "definitions": components["schemas"]}


@pytest.mark.parametrize(
    ("exc", "status", "component"),
    [
        (DjangoValidationError({"amount": ["Too much."]}), 400, "ValidationError"),
        (DjangoValidationError("No field named."), 400, "ValidationError"),
        (exceptions.ValidationError(["A list of messages."]), 400, "ValidationError"),
        (exceptions.ValidationError({"stages": {"0": {"name": ["Required."]}}}), 400, "ValidationError"),
        (exceptions.ParseError(), 400, "ValidationError"),
        (exceptions.NotAuthenticated(), 401, "Error"),
        (PermissionDenied(), 403, "Error"),
        (exceptions.NotFound(), 404, "Error"),
        (exceptions.NotAcceptable(), 406, "Error"),
        (StateConflict("Already decided."), 409, "Error"),
        (IntegrityError("duplicate key"), 409, "Error"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, "Error"),
        (exceptions.Throttled(wait=5), 429, "Error"),
    ],
)
def test_error_bodies_match_their_component(exc, status, component):
    # given an error a view or a service raises
    request = APIRequestFactory().get("/api/v1/campaigns/")
    # when the API's exception handler answers it
    response = api_exception_handler(exc, {"request": request, "view": None})
    # then the status and the body are the ones the schema declares
    assert response.status_code == status
    jsonschema.validate(response.data, _resolve(error_schema(component)))


def test_an_outage_answer_matches_the_error_component(rf):
    from mrm.outage import database_unavailable

    response = database_unavailable(rf.get("/api/v1/campaigns/"))
    assert response.status_code == 503
    assert response["Retry-After"]
    import json

    jsonschema.validate(json.loads(response.content), _resolve(error_schema("Error")))


# --- nullable fields ----------------------------------------------------------


def can_be_null(serializer, field) -> bool:
    """Whether ``field`` of ``serializer`` can write ``null`` in a response.

    It can when the field allows null, or when its source passes through a
    nullable model field (``sponsor.get_full_name`` with no sponsor is null).
    """
    if field.write_only or isinstance(field, serializers.SerializerMethodField):
        return False
    if getattr(field, "allow_null", False):
        return True
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or field.source == "*":
        return False
    for attr in field.source.split("."):
        try:
            model_field = model._meta.get_field(attr)
        except Exception:  # a property or a method: nothing to tell from the model
            return False
        if model_field.one_to_many or model_field.many_to_many:  # a list, empty rather than null
            return False
        if getattr(model_field, "null", False):
            return True
        model = getattr(model_field, "related_model", None)
        if model is None:
            return False
    return False


def declares_null(schema: dict) -> bool:
    if schema.get("nullable"):
        return True
    if None in schema.get("enum", []):
        return True
    return any(declares_null(option) for option in schema.get("oneOf", []) + schema.get("anyOf", []))


def undeclared_nullable_fields(components) -> list[str]:
    """``Component.field`` for every response field that can be null but is not declared nullable."""
    found = []
    for component in components:
        serializer, schema = component.object, component.schema or {}
        if not isinstance(serializer, serializers.Serializer) or "properties" not in schema:
            continue
        for name, field in serializer.fields.items():
            declared = schema["properties"].get(name)
            if declared is not None and can_be_null(serializer, field) and not declares_null(declared):
                found.append(f"{component.name}.{name}")
    return sorted(found)


def response_components():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import ResolvedComponent

    generator = SchemaGenerator()
    generator.get_schema(request=None, public=True)
    return [
        c
        for c in generator.registry._components.values()
        if c.type == ResolvedComponent.SCHEMA and not c.name.endswith("Request")
    ]


def test_every_response_field_that_can_be_null_is_declared_nullable():
    # given every serializer the API answers with
    components = response_components()
    assert len(components) > 20
    # then a field that can be null (allow_null, or a source through a nullable column) says so
    assert undeclared_nullable_fields(components) == []


def test_the_nullable_check_bites():
    from drf_spectacular.plumbing import ResolvedComponent

    from campaigns.models import Campaign

    # given a serializer reading a campaign's sponsor's name, which is null without a sponsor
    class CampaignSponsor(serializers.ModelSerializer):
        sponsor_name = serializers.CharField(source="sponsor.get_full_name", read_only=True)

        class Meta:
            model = Campaign
            fields = ["id", "sponsor_name"]

    # and a schema that forgets it
    component = ResolvedComponent(
        name="CampaignSponsor",
        type=ResolvedComponent.SCHEMA,
        object=CampaignSponsor(),
        schema={"type": "object", "properties": {"id": {"type": "integer"}, "sponsor_name": {"type": "string"}}},
    )
    # then the check names it
    assert undeclared_nullable_fields([component]) == ["CampaignSponsor.sponsor_name"]
