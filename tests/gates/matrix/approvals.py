"""Permission matrix rows of approvals (PRODUCT.md §2, §5).

The request of the rows is submitted by team A's marketer and waits on the
approver. The engine knows no campaign, so the rows use a matrix-only
subject kind whose subject is the team (registered here, under a kind no
app uses, so no real handler is replaced). Who sees the request: the
submitter, its assigned approver and admins; finance and the other team
get 404. Only the assigned approver decides (the submitter and an admin get
403: segregation of duties, and admins are no approvers by role).
"""

import datetime

from django.utils import timezone

from accounts.models import Team
from approvals.models import Delegation
from approvals.registry import SubjectHandler, SubjectInfo, register_subject_handler
from approvals.services import approval_submit
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.support.matrix import FORBIDDEN, NOT_FOUND, OK, SIGNED_IN, Resource, Route, expect, only

MATRIX_KIND = "matrix_subject"  # not a product kind: nothing real is overridden

register_subject_handler(
    SubjectHandler(
        kind=MATRIX_KIND,
        model=Team,
        describe=lambda team: SubjectInfo(title=f"Matrix subject {team.name}", team_ids=[team.pk], version="v1"),
        visible_ids=lambda user: Team.objects.filter(pk__in=user.team_ids).values("pk"),
    )
)

HIDDEN = {"finance": NOT_FOUND, "other_team": NOT_FOUND}


def approval_request(world):
    workflow = WorkflowTemplateFactory(subject_kind=MATRIX_KIND, name="Matrix workflow")
    StageFactory(template=workflow, order=1, name="Approver", approvers=[world.approver])
    return approval_submit(subject=world.team, kind=MATRIX_KIND, by=world.marketer, reason="matrix")


def workflow_template(world):
    workflow = WorkflowTemplateFactory(subject_kind="campaign_launch", name="Matrix launch")
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
ONLY_SUBMITTER_OR_ADMIN = expect(OK, approver=FORBIDDEN, **HIDDEN)

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
            "GET /api/v1/delegations/{id}/": expect(OK, marketer=NOT_FOUND, other_team=NOT_FOUND),
            "DELETE /api/v1/delegations/{id}/": expect(OK, marketer=NOT_FOUND, other_team=NOT_FOUND, finance=FORBIDDEN),
            "approvals:delegations": SIGNED_IN,
            "POST approvals:delegations": Route(SIGNED_IN, data=new_delegation),
            "POST approvals:delegation_end": expect(OK, marketer=NOT_FOUND, other_team=NOT_FOUND, finance=FORBIDDEN),
        },
        obj=delegation,
    ),
]
