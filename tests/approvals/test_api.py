"""``/api/v1/approval-requests/``, ``/workflow-templates/`` and ``/delegations/`` (PRODUCT.md §8)."""

import datetime as dt

from django.utils import timezone

from approvals.models import ApprovalRequest, Decision
from approvals.services import approval_comment, approval_decide, approval_submit
from tests.approvals.conftest import KIND
from tests.factories import TeamFactory, UserFactory

BASE = "/api/v1/approval-requests/"


def test_anonymous_gets_401(api_client, open_request):
    assert api_client.get(BASE).status_code == 401
    assert api_client.post(f"{BASE}{open_request.pk}/decide/", {"outcome": "approve"}).status_code == 401


def test_the_list_shows_what_the_user_may_see_with_stages_and_decisions(
    api_as, open_request, legal, other_team_marketer
):
    body = api_as(legal).get(BASE).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["status"] == "in_progress"
    assert row["current_stage_name"] == "Legal"
    assert [stage["name"] for stage in row["stages"]] == ["Legal", "CMO"]
    assert row["stages"][0]["approvers"] == [legal.pk]
    assert api_as(other_team_marketer).get(BASE).json()["count"] == 0
    assert api_as(other_team_marketer).get(f"{BASE}{open_request.pk}/").status_code == 404


def test_pending_for_me_filter(api_as, open_request, legal, approver, marketer):
    assert [r["id"] for r in api_as(legal).get(BASE, {"pending_for_me": "true"}).json()["results"]] == [open_request.pk]
    assert api_as(marketer).get(BASE, {"pending_for_me": "true"}).json()["count"] == 0
    assert api_as(marketer).get(BASE, {"pending_for_me": "false"}).json()["count"] == 1


def test_decide_approves_and_returns_the_decision(api_as, open_request, legal):
    response = api_as(legal).post(
        f"{BASE}{open_request.pk}/decide/", {"outcome": "approve", "note": "ok"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "approve"
    assert response.json()["decider"] == legal.pk
    assert response.json()["on_behalf_of"] is None


def test_decide_refusals_are_403_409_and_400(api_as, open_request, legal, marketer, team):
    url = f"{BASE}{open_request.pk}/decide/"
    # the submitter: segregation of duties
    assert api_as(marketer).post(url, {"outcome": "approve"}, format="json").status_code == 403
    # someone who sees the subject but is no approver
    teammate = UserFactory(username="teammate", roles=["marketer"], teams=[team])
    assert api_as(teammate).post(url, {"outcome": "approve"}, format="json").status_code == 403
    # a bad outcome
    bad = api_as(legal).post(url, {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    # an approved amount on a rejection
    assert api_as(legal).post(url, {"outcome": "reject", "approved_amount": "1.00"}, format="json").status_code == 400
    assert not Decision.objects.exists()
    # a second decision on a closed request
    assert api_as(legal).post(url, {"outcome": "reject"}, format="json").status_code == 201
    conflict = api_as(legal).post(url, {"outcome": "approve"}, format="json")
    assert conflict.status_code == 409 and "closed" in conflict.json()["detail"]


def test_comments_are_separate_from_decisions_and_change_nothing(api_as, open_request, approver, marketer, legal):
    url = f"{BASE}{open_request.pk}/comments/"
    created = api_as(marketer).post(url, {"body": "Please hurry", "page": 1, "x": 0.5, "y": 0.5}, format="json")
    assert created.status_code == 201
    assert created.json()["body"] == "Please hurry"
    assert api_as(legal).get(url).json()["results"][0]["author"] == marketer.pk
    assert api_as(legal).post(url, {"body": ""}, format="json").status_code == 400
    assert api_as(legal).post(url, {"body": "x", "x": 2, "y": 0}, format="json").status_code == 400
    open_request.refresh_from_db()
    assert open_request.status == "in_progress" and not Decision.objects.exists()


def test_cancel_by_the_submitter(api_as, open_request, marketer, legal):
    assert api_as(legal).post(f"{BASE}{open_request.pk}/cancel/", {}, format="json").status_code == 403
    response = api_as(marketer).post(f"{BASE}{open_request.pk}/cancel/", {"note": "dropped"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api_as(marketer).post(f"{BASE}{open_request.pk}/cancel/", {}, format="json").status_code == 409


def test_requests_cannot_be_created_edited_or_deleted_through_the_list(api_as, open_request, admin_user):
    client = api_as(admin_user)
    assert client.post(BASE, {}, format="json").status_code == 405
    assert client.patch(f"{BASE}{open_request.pk}/", {"status": "approved"}, format="json").status_code == 405
    assert client.delete(f"{BASE}{open_request.pk}/").status_code == 405


def test_workflow_templates_are_listed_with_stages(api_as, template, marketer):
    body = api_as(marketer).get("/api/v1/workflow-templates/").json()
    assert body["count"] == 1
    assert [stage["name"] for stage in body["results"][0]["stages"]] == ["Legal", "CMO"]


def test_delegations_api(api_as, legal, approver, marketer):
    today = timezone.localdate()
    client = api_as(legal)
    created = client.post(
        "/api/v1/delegations/",
        {"stand_in": approver.pk, "starts_on": str(today), "ends_on": str(today + dt.timedelta(days=2))},
        format="json",
    )
    assert created.status_code == 201 and created.json()["approver"] == legal.pk
    assert (
        client.post(
            "/api/v1/delegations/",
            {"stand_in": legal.pk, "starts_on": str(today), "ends_on": str(today)},
            format="json",
        ).status_code
        == 400
    )
    assert api_as(marketer).get(f"/api/v1/delegations/{created.json()['id']}/").status_code == 404
    assert api_as(legal).delete(f"/api/v1/delegations/{created.json()['id']}/").status_code == 204


def test_the_request_list_costs_the_same_for_1_and_many_rows(
    assert_constant_queries, api_as, subjects, template, marketer, legal
):
    client = api_as(legal)

    def make_row():
        approval_submit(subject=TeamFactory(), kind=KIND, by=marketer)

    assert_constant_queries(lambda: client.get(f"{BASE}?page_size=100"), make_row, rows=20)


def test_the_request_list_reads_a_pages_approvers_by_their_stages_only(api_as, open_request, legal):
    # given a page of requests with their stages' approvers (prefetched per stage state)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # when the list is read
    with CaptureQueriesContext(connection) as queries:
        body = api_as(legal).get(BASE).json()
    # then the approvers come by their stage states' ids, in their order, without the requests table:
    # the model's ordering (stage state, then id) spelled through the stage states' and the
    # requests' orderings joined and sorted every stage state and request there is (issue 16)
    assert body["results"][0]["stages"][0]["approvers"] == [legal.pk]
    (assignments,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "approvals_stageassignment"."id"')]
    assert "approvals_approvalrequest" not in assignments and "JOIN" not in assignments


def test_the_inbox_page_costs_the_same_for_1_and_many_rows(
    assert_constant_queries, client, subjects, template, marketer, legal
):
    client.force_login(legal)
    assert_constant_queries(
        lambda: client.get("/approvals/"),
        lambda: approval_submit(subject=TeamFactory(), kind=KIND, by=marketer),
        rows=20,
    )
    assert ApprovalRequest.objects.pending_for(legal).count() == 20


def template_body(approver, **overrides):
    body = {
        "name": "Launch review",
        "subject_kind": "campaign_launch",
        "stages": [
            {"order": 1, "name": "Marketing lead", "mode": "all", "approvers": [approver.pk], "sla_days": 3},
            {"order": 2, "name": "CMO", "approvers": [approver.pk], "min_amount": "100000.00"},
        ],
    }
    return {**body, **overrides}


def test_admins_write_templates_with_their_stages(api_as, admin_user, approver):
    client = api_as(admin_user)
    created = client.post("/api/v1/workflow-templates/", template_body(approver), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [(s["order"], s["name"], s["mode"], s["sla_days"]) for s in body["stages"]] == [
        (1, "Marketing lead", "all", 3),
        (2, "CMO", "any", 2),
    ]
    assert body["stages"][1]["min_amount"] == "100000.00"
    url = f"/api/v1/workflow-templates/{body['id']}/"
    # a PATCH without stages keeps them
    patched = client.patch(url, {"name": "Launch sign-off"}, format="json")
    assert patched.status_code == 200 and len(patched.json()["stages"]) == 2
    # a PUT replaces the stages, matched by order
    replaced = client.put(
        url,
        template_body(approver, stages=[{"order": 1, "name": "CMO only", "approvers": [approver.pk]}]),
        format="json",
    )
    assert replaced.status_code == 200
    assert [s["name"] for s in replaced.json()["stages"]] == ["CMO only"]


def test_template_writes_are_refused_to_non_admins_and_bad_input_changes_nothing(
    api_as, admin_user, approver, marketer
):
    assert (
        api_as(marketer).post("/api/v1/workflow-templates/", template_body(approver), format="json").status_code == 403
    )
    client = api_as(admin_user)
    duplicate_orders = template_body(approver, stages=[{"order": 1, "name": "A", "approvers": [approver.pk]}] * 2)
    assert client.post("/api/v1/workflow-templates/", duplicate_orders, format="json").status_code == 400
    nobody = template_body(approver, stages=[{"order": 1, "name": "A"}])
    assert client.post("/api/v1/workflow-templates/", nobody, format="json").status_code == 400
    assert (
        client.post("/api/v1/workflow-templates/", template_body(approver, stages=[]), format="json").status_code == 400
    )
    assert client.post("/api/v1/workflow-templates/", template_body(approver), format="json").status_code == 201
    # a second active template for the same kind
    second = client.post("/api/v1/workflow-templates/", template_body(approver, name="Other"), format="json")
    assert second.status_code == 400
    assert client.delete("/api/v1/workflow-templates/1/").status_code == 405


def test_a_stage_used_by_requests_cannot_be_removed(api_as, admin_user, open_request, approver):
    client = api_as(admin_user)
    template = open_request.template
    response = client.put(
        f"/api/v1/workflow-templates/{template.pk}/",
        {
            "name": template.name,
            "subject_kind": template.subject_kind,
            "stages": [{"order": 2, "name": "CMO", "approvers": [approver.pk]}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert template.stages.count() == 2


def test_the_request_page_costs_the_same_for_1_and_many_comments(assert_constant_queries, client, open_request, legal):
    client.force_login(legal)
    assert_constant_queries(
        lambda: client.get(open_request.get_absolute_url()),
        lambda: approval_comment(request=open_request, by=legal, body="A point"),
        rows=20,
    )


def test_the_request_list_api_costs_the_same_for_decided_stages(
    assert_constant_queries, api_as, subjects, marketer, approver
):
    from approvals.choices import StageMode
    from tests.approvals.factories import StageFactory, WorkflowTemplateFactory

    deciders = [UserFactory(username=f"member{i}", roles=["approver"]) for i in range(3)]
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=deciders)
    client = api_as(marketer)

    def make_row():
        request = approval_submit(subject=TeamFactory(), kind=KIND, by=marketer)
        approval_decide(request=request, by=deciders[0], outcome="approve", note="fine")

    assert_constant_queries(lambda: client.get(f"{BASE}?page_size=100"), make_row, rows=15)
