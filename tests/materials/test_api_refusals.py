"""A material's versions are not filtered by the material list's filters (issue 15.6)."""

import pytest

from tests.support.fuzz import openapi_document

pytestmark = pytest.mark.django_db


def test_the_list_filters_do_not_hide_a_material_from_its_versions(api_as, marketer, image_material):
    # ``kind`` filters the material list; on the versions it was applied to the material itself (a 404)
    response = api_as(marketer).get(f"/api/v1/materials/{image_material.pk}/versions/", {"kind": "pdf"})
    assert response.status_code == 200
    operation = openapi_document()["paths"]["/api/v1/materials/{id}/versions/"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"page", "page_size"}


def test_an_unknown_kind_on_the_list_is_a_400(api_as, marketer, image_material):
    response = api_as(marketer).get("/api/v1/materials/", {"kind": "poster"})
    assert response.status_code == 400 and "kind" in response.json()
