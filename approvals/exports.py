"""The approval request list as a file (mrm/exports.py): what was asked, by whom, where it stands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from approvals.models import ApprovalRequest
from mrm.exports import DATETIME, MONEY, ExportSpec, field_column, id_column

APPROVAL_REQUESTS = ExportSpec(
    name="approval-requests",
    title=gettext_lazy("Approval requests"),
    columns=(
        id_column(),
        field_column(ApprovalRequest, "subject_kind"),
        field_column(ApprovalRequest, "subject_title", width=40),
        field_column(ApprovalRequest, "template", "template__name", width=24),
        field_column(ApprovalRequest, "amount", kind=MONEY),
        field_column(ApprovalRequest, "status"),
        field_column(ApprovalRequest, "current_stage", "current_stage__name", width=20),
        field_column(ApprovalRequest, "submitted_by", "submitted_by__username"),
        field_column(ApprovalRequest, "submitted_at", kind=DATETIME),
        field_column(ApprovalRequest, "due_at", kind=DATETIME),
        field_column(ApprovalRequest, "closed_at", kind=DATETIME),
        field_column(ApprovalRequest, "reason", width=40),
    ),
)
