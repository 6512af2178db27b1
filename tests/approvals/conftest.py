"""Fixtures of the approvals engine, with a test-only subject handler.

The engine knows no campaign or budget, so its tests use an existing model
(``accounts.Team``) as the subject of a handler registered for the test
only: whoever belongs to the team may see the subject (and its requests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from accounts.models import Team
from approvals import registry
from approvals.choices import SubjectKind
from approvals.registry import SubjectHandler, SubjectInfo
from approvals.services import approval_submit
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import UserFactory

KIND = SubjectKind.MATERIAL_VERSION


@dataclass
class SubjectRecorder:
    """The test handler: records every callback and lets a test set a subject's amount."""

    calls: list = field(default_factory=list)
    amounts: dict = field(default_factory=dict)

    def describe(self, team: Team) -> SubjectInfo:
        return SubjectInfo(
            title=f"Banner for {team.name}",
            url=f"/teams/{team.pk}/",
            team_ids=[team.pk],
            amount=self.amounts.get(team.pk),
            version="v1",
        )

    def handler(self) -> SubjectHandler:
        return SubjectHandler(
            kind=KIND,
            model=Team,
            describe=self.describe,
            visible_ids=lambda user: Team.objects.filter(pk__in=user.team_ids).values("pk"),
            on_approved=lambda request, amount: self.calls.append(("approved", request.pk, amount)),
            on_rejected=lambda request: self.calls.append(("rejected", request.pk)),
            on_changes_requested=lambda request: self.calls.append(("changes_requested", request.pk)),
            on_cancelled=lambda request: self.calls.append(("cancelled", request.pk)),
        )


@pytest.fixture
def subjects(db):
    previous = registry._HANDLERS.get(KIND)
    recorder = SubjectRecorder()
    registry.register_subject_handler(recorder.handler())
    yield recorder
    if previous is None:
        registry.unregister_subject_handler(KIND)
    else:
        registry.register_subject_handler(previous)


@pytest.fixture
def legal(db):
    return UserFactory(username="legal", roles=["approver"])


@pytest.fixture
def template(approver, legal):
    """Legal, then the CMO: the brand → legal → CMO shape, shortened."""
    workflow = WorkflowTemplateFactory(name="Material review", subject_kind=KIND)
    StageFactory(template=workflow, order=1, name="Legal", approvers=[legal])
    StageFactory(template=workflow, order=2, name="CMO", approvers=[approver])
    return workflow


@pytest.fixture
def subject(team):
    return team


@pytest.fixture
def submit(subjects, template, marketer, subject):
    """``submit()`` opens a request on the team subject as the marketer (or ``by=``)."""

    def do_submit(*, on=None, by=None, reason="Spring campaign needs it", amount=None):
        target = on or subject
        if amount is not None:
            subjects.amounts[target.pk] = Decimal(amount)
        return approval_submit(subject=target, kind=KIND, by=by or marketer, reason=reason)

    return do_submit


@pytest.fixture
def open_request(submit):
    return submit()
