"""Demo change requests: one open on the funding workflow with an answer pending, one applied; idempotent."""

import io

import pytest

from approvals.choices import SubjectKind
from changes import demo
from changes.choices import AnswerStatus, ChangeStatus, TargetKind
from changes.models import ChangeRequest

pytestmark = pytest.mark.django_db


def test_demo_change_requests_are_complete_and_idempotent():
    from accounts import demo as accounts_demo
    from approvals import demo as approvals_demo
    from budgets import demo as budgets_demo
    from campaigns import demo as campaigns_demo

    for module in (accounts_demo, approvals_demo, campaigns_demo, budgets_demo):
        module.seed(io.StringIO())
    # when the changes demo runs twice
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    # then there are exactly two requests
    assert ChangeRequest.objects.count() == 2
    open_change = ChangeRequest.objects.get(status=ChangeStatus.OPEN)
    assert open_change.target_kind == TargetKind.WORKFLOW_TEMPLATE
    assert open_change.workflow_template.subject_kind == SubjectKind.FUNDING_REQUEST
    answers = list(open_change.affected_teams.values_list("status", flat=True))
    assert answers.count(AnswerStatus.PENDING) >= 1
    assert AnswerStatus.ACKNOWLEDGED in answers
    applied = ChangeRequest.objects.get(status=ChangeStatus.APPLIED)
    assert applied.target_kind == TargetKind.EXPENSE_CATEGORY
    assert applied.decided_by.username == "admin"
