"""Who a change would affect (PRODUCT.md §7): computed once, when the request is made, and stored.

- a **workflow template**: the open approval requests that run on it — their
  subjects' teams (through each subject kind's handler, so the approvals
  engine still knows no campaign), their submitters and their assigned
  approvers — plus the approvers named on the template's stages;
- an **expense category**: its open or funded funding requests (draft,
  submitted, approved, partially approved) — their campaigns' teams and their
  requesters — and the teams with allocations in it for current or future
  periods;
- a **field**: the teams with open campaigns (not completed or cancelled),
  and those campaigns' owners.

Only active teams and active users count: nobody can answer for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Team
from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest, Stage, StageAssignment
from approvals.registry import get_handler
from budgets.choices import FundingRequestStatus
from budgets.models import BudgetAllocation, FundingRequest
from campaigns.choices import OPEN_STATUSES
from campaigns.models import Campaign
from changes.choices import TargetKind

CATEGORY_REQUEST_STATUSES = (
    FundingRequestStatus.DRAFT,
    FundingRequestStatus.SUBMITTED,
    FundingRequestStatus.APPROVED,
    FundingRequestStatus.PARTIALLY_APPROVED,
)


@dataclass
class Affected:
    """The teams and users a change would affect, by id (ordered, for stable pages and tests)."""

    team_ids: set[int] = field(default_factory=set)
    user_ids: set[int] = field(default_factory=set)

    def teams(self):
        return Team.objects.filter(pk__in=self.team_ids, is_active=True).order_by("name")

    def users(self):
        return get_user_model().objects.filter(pk__in=self.user_ids, is_active=True).order_by("username")


def _template(template) -> Affected:
    found = Affected()
    open_requests = ApprovalRequest.objects.filter(template=template, status=RequestStatus.IN_PROGRESS)
    by_kind: dict[str, list[int]] = {}
    for kind, object_id, submitter in open_requests.values_list("subject_kind", "object_id", "submitted_by_id"):
        by_kind.setdefault(kind, []).append(object_id)
        found.user_ids.add(submitter)
    for kind, ids in by_kind.items():
        handler = get_handler(kind)
        for subject in handler.model._default_manager.filter(pk__in=ids):
            found.team_ids.update(handler.describe(subject).team_ids)
    found.user_ids.update(
        StageAssignment.objects.filter(stage_state__request__in=open_requests).values_list("user_id", flat=True)
    )
    found.user_ids.update(
        Stage.objects.filter(template=template, approvers__isnull=False).values_list("approvers", flat=True)
    )
    return found


def _category(category) -> Affected:
    found = Affected()
    for team_id, requester_id in FundingRequest.objects.filter(
        category=category, status__in=CATEGORY_REQUEST_STATUSES
    ).values_list("campaign__team_id", "requested_by_id"):
        found.team_ids.add(team_id)
        found.user_ids.add(requester_id)
    found.team_ids.update(
        BudgetAllocation.objects.filter(category=category, period__end_date__gte=timezone.localdate()).values_list(
            "team_id", flat=True
        )
    )
    return found


def _field() -> Affected:
    found = Affected()
    for team_id, owner_id in Campaign.objects.filter(status__in=OPEN_STATUSES).values_list("team_id", "owner_id"):
        found.team_ids.add(team_id)
        found.user_ids.add(owner_id)
    return found


def compute_affected(
    *, target_kind: str, workflow_template=None, expense_category=None, field_name: str = ""
) -> Affected:
    """The teams and users the change of this target would affect (see the module docstring for the rules)."""
    if target_kind == TargetKind.WORKFLOW_TEMPLATE and workflow_template is not None:
        found = _template(workflow_template)
    elif target_kind == TargetKind.EXPENSE_CATEGORY and expense_category is not None:
        found = _category(expense_category)
    elif target_kind == TargetKind.FIELD and field_name:
        found = _field()
    else:
        return Affected()
    found.team_ids.discard(None)
    found.user_ids.discard(None)
    return found
