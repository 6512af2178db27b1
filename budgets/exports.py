"""The funding request, commitment and expense lists as files (issue 16: 100k lines; issue 17: every list).

The machinery — streamed CSV in the reader's dialect, write-only XLSX,
rows read in chunks with a constant number of queries — is
:mod:`mrm.exports`; here are the budget lists' columns, in the form the
budget importers take back: ``id`` first, then the model's fields by name
(a funding request by its number, a campaign by its code, a category by
its code, a period by its name, people by username, money as numbers).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import sees_all_teams, viewer_scope
from budgets.models import Commitment, Expense, FundingRequest
from mrm.exports import DATE, DATETIME, MONEY, NUMBER, ExportSpec, HistorySource, field_column, id_column


def scope_label(user) -> str:
    """Whose money the list holds, in words: the same rule as the budget lists' ``visible_to``."""
    if sees_all_teams(user):
        return str(_("All teams"))
    scope = viewer_scope(user)
    return _("%(scope)s; and the funding requests you made or were asked to decide") % {"scope": scope.label}


def _spend_columns(model):
    return (
        id_column(),
        field_column(model, "funding_request", "funding_request__number", width=16),
        field_column(model, "campaign", "campaign__code", width=14),
        field_column(model, "date", kind=DATE, width=12),
        field_column(model, "amount", kind=MONEY),
        field_column(model, "vendor", width=28),
        field_column(model, "reference"),
        field_column(model, "note", width=30),
        field_column(model, "recorded_by", "recorded_by__username"),
    )


EXPENSES = ExportSpec(name="expenses", title=gettext_lazy("Expenses"), columns=_spend_columns(Expense))
COMMITMENTS = ExportSpec(name="commitments", title=gettext_lazy("Commitments"), columns=_spend_columns(Commitment))

FUNDING_REQUESTS = ExportSpec(
    name="funding-requests",
    title=gettext_lazy("Funding requests"),
    columns=(
        id_column(),
        field_column(FundingRequest, "number", width=16),
        field_column(FundingRequest, "campaign", "campaign__code", width=14),
        field_column(FundingRequest, "category", "category__code", width=14),
        field_column(FundingRequest, "period", "period__name", width=14),
        field_column(FundingRequest, "amount", kind=MONEY),
        field_column(FundingRequest, "status"),
        field_column(FundingRequest, "approved_amount", kind=MONEY),
        field_column(FundingRequest, "justification", width=40),
        field_column(FundingRequest, "expected_leads", kind=NUMBER),
        field_column(FundingRequest, "expected_revenue", kind=MONEY),
        field_column(FundingRequest, "requested_by", "requested_by__username"),
        field_column(FundingRequest, "submitted_at", kind=DATETIME),
        field_column(FundingRequest, "decided_at", kind=DATETIME),
        field_column(FundingRequest, "decision_note", width=30),
    ),
)


def funding_request_history_sources(funding_request: FundingRequest) -> list[HistorySource]:
    """A funding request's audit history: its own records and its commitments' and expenses'."""
    return [
        HistorySource(model=FundingRequest, records=FundingRequest.history.filter(id=funding_request.pk)),
        HistorySource(model=Commitment, records=Commitment.history.filter(funding_request_id=funding_request.pk)),
        HistorySource(model=Expense, records=Expense.history.filter(funding_request_id=funding_request.pk)),
    ]
