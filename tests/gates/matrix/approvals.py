"""Permission matrix rows of approvals (PRODUCT.md §2, §5).

The request of the rows is a launch approval of a confidential campaign of
team A, submitted by team A's marketer and waiting on the approver. Who sees
the request: the submitter, its assigned approver, admins and whoever sees
the campaign (finance sees every campaign); the other team gets 404. Only
the assigned approver decides (the submitter, finance and an admin get 403:
segregation of duties, and admins are no approvers by role).
"""

import datetime

from django.utils import timezone

from approvals.choices import SubjectKind
from approvals.models import Delegation, WorkflowTemplate
from approvals.services import approval_submit
from campaigns.choices import CampaignStatus
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.campaigns.factories import CampaignFactory
from tests.support.matrix import FORBIDDEN, NOT_FOUND, OK, SIGNED_IN, Resource, Route, expect, only

HIDDEN = {"other_team": NOT_FOUND}


def launch_workflow(world):
    """The active launch template, made once per test: the request and its confidential twin share it."""
    workflow = WorkflowTemplate.objects.filter(
        subject_kind=SubjectKind.CAMPAIGN_LAUNCH, is_active=True, name="Matrix launch approval"
    ).first()
    if workflow is None:
        workflow = WorkflowTemplateFactory(subject_kind=SubjectKind.CAMPAIGN_LAUNCH, name="Matrix launch approval")
        StageFactory(template=workflow, order=1, name="Approver", approvers=[world.approver])
    return workflow


def approval_request(world):
    launch_workflow(world)
    campaign = CampaignFactory(team=world.team, owner=world.marketer, confidential=True, status=CampaignStatus.PLANNED)
    return approval_submit(subject=campaign, kind=SubjectKind.CAMPAIGN_LAUNCH, by=world.marketer, reason="matrix")


def workflow_template(world):
    # Inactive: the active launch template belongs to the approval request's row.
    workflow = WorkflowTemplateFactory(subject_kind="campaign_launch", name="Matrix launch", is_active=False)
    StageFactory(template=workflow, order=1, approvers=[world.approver])
    return workflow


def template_body(world, obj):
    return {
        "name": "Matrix launch",
        "subject_kind": "campaign_launch",
        "is_active": False,
        "stages": [{"order": 1, "name": "CMO", "approvers": [world.approver.pk]}],
    }


def delegation(world):
    today = timezone.localdate()
    return Delegation.objects.create(
        approver=world.approver, stand_in=world.finance, starts_on=today, ends_on=today + datetime.timedelta(days=3)
    )


def new_delegation(world, obj):
    today = timezone.localdate() + datetime.timedelta(days=30)
    return {"stand_in": world.approver.pk, "starts_on": str(today), "ends_on": str(today)}


SEES_REQUEST = SIGNED_IN | HIDDEN
ONLY_APPROVER = expect(FORBIDDEN, approver=OK, **HIDDEN)
ONLY_SUBMITTER_OR_ADMIN = expect(OK, approver=FORBIDDEN, finance=FORBIDDEN, leadership=FORBIDDEN, **HIDDEN)

RESOURCES = [
    Resource(
        "approval requests",
        {
            "GET /api/v1/approval-requests/": SIGNED_IN,
            "GET /api/v1/approval-requests/{id}/": SEES_REQUEST,
            "POST /api/v1/approval-requests/{id}/decide/": Route(
                ONLY_APPROVER, data={"outcome": "approve", "note": "ok"}
            ),
            "GET /api/v1/approval-requests/{id}/comments/": SEES_REQUEST,
            "POST /api/v1/approval-requests/{id}/comments/": Route(SEES_REQUEST, data={"body": "A question"}),
            "POST /api/v1/approval-requests/{id}/cancel/": Route(ONLY_SUBMITTER_OR_ADMIN, data={"note": "no"}),
            "approvals:inbox": SIGNED_IN,
            "approvals:list": SIGNED_IN,
            "approvals:detail": SEES_REQUEST,
            "POST approvals:decide": Route(ONLY_APPROVER, data={"outcome": "approve", "note": "ok"}),
            "POST approvals:comment": Route(SEES_REQUEST, data={"body": "A question"}),
            "POST approvals:cancel": Route(ONLY_SUBMITTER_OR_ADMIN, data={"note": "no"}),
            "approvals:confirm": expect(FORBIDDEN, marketer=OK, **HIDDEN),
            "POST approvals:confirm": Route(expect(FORBIDDEN, marketer=OK, **HIDDEN), data={"note": "Still needed"}),
        },
        obj=approval_request,
        # the request is itself on a confidential campaign: the other team must not find it in any list either
        confidential=approval_request,
    ),
    Resource(
        "workflow templates",
        {
            "GET /api/v1/workflow-templates/": SIGNED_IN,
            "GET /api/v1/workflow-templates/{id}/": SIGNED_IN,
            "POST /api/v1/workflow-templates/": Route(only("admin"), data=template_body),
            "PUT /api/v1/workflow-templates/{id}/": Route(only("admin"), data=template_body),
            "PATCH /api/v1/workflow-templates/{id}/": Route(only("admin"), data={"name": "Renamed"}),
            "approvals:templates": SIGNED_IN,
            "approvals:template_create": only("admin"),
            "POST approvals:template_create": only("admin"),
            "approvals:template_edit": only("admin"),
            "POST approvals:template_edit": only("admin"),
        },
        obj=workflow_template,
    ),
    Resource(
        "stand-ins",
        {
            "GET /api/v1/delegations/": SIGNED_IN,
            "POST /api/v1/delegations/": Route(SIGNED_IN, data=new_delegation),
            "GET /api/v1/delegations/{id}/": expect(OK, marketer=NOT_FOUND, other_team=NOT_FOUND, leadership=NOT_FOUND),
            "DELETE /api/v1/delegations/{id}/": expect(
                OK, marketer=NOT_FOUND, other_team=NOT_FOUND, finance=FORBIDDEN, leadership=NOT_FOUND
            ),
            "approvals:delegations": SIGNED_IN,
            "POST approvals:delegations": Route(SIGNED_IN, data=new_delegation),
            "POST approvals:delegation_end": expect(
                OK, marketer=NOT_FOUND, other_team=NOT_FOUND, finance=FORBIDDEN, leadership=NOT_FOUND
            ),
        },
        obj=delegation,
    ),
]
