"""``GET /api/v1/history/?start=&end=&format=csv|xlsx``: the audit history of a period as a file (issue 17.2).

Every change to campaigns (and their activities, tasks and KPIs), money
(funding requests, commitments, expenses, allocations) and approval
requests in the period, with who and when (PRODUCT.md §8 audit). Across
every team and every confidential campaign, so only for those who read
everything: administrators and leadership (PRODUCT.md §2); others get a
403. One object's history is its own endpoint
(``/api/v1/campaigns/{id}/history/``, ``/api/v1/funding-requests/{id}/history/``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.choices import Role
from approvals.models import ApprovalRequest
from budgets.models import BudgetAllocation, Commitment, Expense, FundingRequest
from campaigns.models import KPI, Activity, Campaign, Task
from mrm.api import CSVRenderer, ErrorsAsJsonMixin, XLSXRenderer
from mrm.bounds import day_after, validate_date_in_window
from mrm.exports import EXPORT_FORMATS, HistorySource, history_response
from mrm.spreadsheets import CSV_DIALECTS, UnknownDialect, csv_dialect

AUDITED_MODELS = (Campaign, Activity, Task, KPI, FundingRequest, Commitment, Expense, BudgetAllocation, ApprovalRequest)


def can_export_history(user) -> bool:
    """The whole audit trail spans every team and confidential campaign: admins and leadership read it (§2)."""
    return bool(user and user.is_authenticated) and (user.is_mrm_admin or user.has_role(Role.LEADERSHIP))


class HistoryPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(label=gettext_lazy("From"), validators=[validate_date_in_window])
    end = serializers.DateField(label=gettext_lazy("To"), validators=[validate_date_in_window])
    format = serializers.ChoiceField(choices=EXPORT_FORMATS, required=False, default="csv")
    dialect = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise ValidationError({"end": [_("The end of the period is before its start.")]})
        try:
            csv_dialect(attrs.get("dialect"))
        except UnknownDialect as exc:
            raise ValidationError({"dialect": [str(exc)]}) from exc
        return attrs


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class HistoryViewSet(ErrorsAsJsonMixin, viewsets.ViewSet):
    """The audit history of a period (both days included, in the reader's time zone) as a CSV or XLSX file."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [CSVRenderer, XLSXRenderer]

    def perform_content_negotiation(self, request, force=False):
        # ``?format=`` is the file's format, checked by the input serializer (a 400, never a 404)
        from rest_framework import renderers

        if request.query_params.get("format") in EXPORT_FORMATS:
            return super().perform_content_negotiation(request, force)
        return renderers.JSONRenderer(), renderers.JSONRenderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="First day of the period."),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Last day of the period."),
            OpenApiParameter("format", str, enum=list(EXPORT_FORMATS), description="csv (default) or xlsx."),
            OpenApiParameter(
                "dialect",
                str,
                enum=list(CSV_DIALECTS),
                description="CSV only: ru or en; by default the language of the response.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def list(self, request):
        if not can_export_history(request.user):
            raise PermissionDenied(_("Only administrators and leadership export the history of a period."))
        data = HistoryPeriodSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        start, end = data.validated_data["start"], data.validated_data["end"]
        sources = [HistorySource(model=model, records=model.history.all()) for model in AUDITED_MODELS]
        return history_response(
            request,
            sources,
            name=f"history-{start.isoformat()}-{end.isoformat()}",
            filters=[(str(_("From")), start.isoformat()), (str(_("To")), end.isoformat())],
            start=_day_start(start),
            end=_day_start(day_after(end)),
        )
