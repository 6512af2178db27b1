"""Races on PostgreSQL with real threads: the request row lock lets one decision win (PRODUCT.md §5)."""

import pytest

from approvals.choices import RequestStatus, StageMode
from approvals.models import ApprovalRequest, Decision
from approvals.services import approval_decide, approval_submit
from mrm.exceptions import StateConflict
from tests.approvals.conftest import KIND
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import UserFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_approvers_deciding_at_once_have_exactly_one_effect(subjects, team, marketer):
    # given one "any" stage with twenty approvers
    approvers = [UserFactory(username=f"approver{i}", roles=["approver"]) for i in range(20)]
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ANY, approvers=approvers)
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    # when all twenty approve at the same moment
    results = run_together(
        [lambda user=user: approval_decide(request=request, by=user, outcome="approve") for user in approvers]
    )
    # then one decision counts, the other nineteen are told the stage is closed
    assert sum(isinstance(result, Decision) for result in results) == 1
    assert sum(isinstance(result, StateConflict) for result in results) == 19
    assert Decision.objects.count() == 1
    assert subjects.calls == [("approved", request.pk, None)]
    assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED


def test_one_approver_clicking_twenty_times_decides_once(subjects, team, marketer, legal, approver):
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    results = run_together([lambda: approval_decide(request=request, by=legal, outcome="approve") for _ in range(20)])
    assert sum(isinstance(result, Decision) for result in results) == 1
    assert sum(isinstance(result, StateConflict) for result in results) == 19
    assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS


def test_two_submits_at_once_open_one_request(subjects, template, team, marketer):
    results = run_together(
        [lambda: approval_submit(subject=team, kind=KIND, by=marketer, reason="race") for _ in range(5)]
    )
    assert sum(isinstance(result, ApprovalRequest) for result in results) == 1
    assert sum(isinstance(result, StateConflict) for result in results) == 4
    assert ApprovalRequest.objects.filter(status="in_progress").count() == 1
