"""What the approvals API (and the template pages) refuse instead of storing or ignoring (issue 15.6)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from approvals.models import Stage, WorkflowTemplate
from approvals.services import approval_comment
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.support.fuzz import openapi_document

pytestmark = pytest.mark.django_db


def _template_form(order: str) -> dict:
    return {
        "name": "Launch review",
        "subject_kind": "campaign_launch",
        "description": "",
        "is_active": "on",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-order": order,
        "stages-0-name": "CMO",
        "stages-0-mode": "any",
        "stages-0-sla_days": "3",
    }


@pytest.mark.parametrize("order", ["0", "1000"])
def test_a_stage_order_outside_1_to_999_is_refused_by_the_template_page(client, admin_user, approver, order):
    # given an admin on the template page
    client.force_login(admin_user)
    data = {**_template_form(order), "stages-0-approvers": [str(approver.pk)]}
    # when a stage's order is outside what the API declares
    response = client.post(reverse("approvals:template_create"), data)
    # then the form shows the error and nothing is stored
    assert response.status_code == 200
    assert ("greater than or equal to 1" if order == "0" else "less than or equal to 999") in response.content.decode()
    assert not WorkflowTemplate.objects.filter(name="Launch review").exists()


@pytest.mark.parametrize("order", [0, 1000])
def test_the_database_refuses_a_stage_order_outside_1_to_999(order):
    template = WorkflowTemplateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(template=template, name="Late", order=order)
    assert not Stage.objects.filter(template=template).exists()


@pytest.mark.parametrize("order", [0, 1000])
def test_the_api_refuses_a_stage_order_outside_its_declared_bounds(api_as, admin_user, approver, order):
    body = {
        "name": "Launch review",
        "subject_kind": "campaign_launch",
        "stages": [{"order": order, "name": "CMO", "approvers": [approver.pk]}],
    }
    response = api_as(admin_user).post("/api/v1/workflow-templates/", body, format="json")
    assert response.status_code == 400 and "stages" in response.json()
    assert not WorkflowTemplate.objects.filter(name="Launch review").exists()


def test_the_schema_declares_the_stage_order_bounds_for_reading_and_writing():
    components = openapi_document()["components"]["schemas"]
    for name in ("Stage", "StageWriteRequest"):
        order = components[name]["properties"]["order"]
        assert (order["minimum"], order["maximum"]) == (1, 999), name


def test_a_requests_comments_are_not_filtered_by_the_request_lists_filters(api_as, open_request, legal):
    # given an open request with a comment
    approval_comment(request=open_request, by=legal, body="Looks fine so far")
    # when its comments are read with a filter of the request list (which the schema no longer offers)
    response = api_as(legal).get(f"/api/v1/approval-requests/{open_request.pk}/comments/", {"status": "approved"})
    # then the filter does not hide the request: its comments come
    assert response.status_code == 200
    assert [row["body"] for row in response.json()["results"]] == ["Looks fine so far"]
    operation = openapi_document()["paths"]["/api/v1/approval-requests/{id}/comments/"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"page", "page_size"}


def test_an_existing_stage_keeps_working(template):
    # the fixtures' stages (1, 2) are within the bounds
    assert list(template.stages.values_list("order", flat=True)) == [1, 2]
    StageFactory(template=template, order=999, name="Last")
    assert template.stages.count() == 3
