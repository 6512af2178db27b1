"""Budget endpoints (PRODUCT.md §8): read by every role in scope, written by finance and admins."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from budgets import exports, selectors, services
from budgets.api.filters import (
    SPEND_SEARCH_FIELDS,
    BudgetAllocationFilter,
    CommitmentFilter,
    ExpenseCategoryFilter,
    ExpenseFilter,
    FiscalPeriodFilter,
    FundingRequestFilter,
)
from budgets.api.serializers import (
    BudgetAllocationSerializer,
    CommitmentSerializer,
    ExpenseCategorySerializer,
    ExpenseSerializer,
    FiscalPeriodSerializer,
    FundingRequestSerializer,
    FundingRequestSubmitSerializer,
    FundingRequestWithdrawSerializer,
)
from budgets.models import BudgetAllocation, Commitment, Expense, ExpenseCategory, FiscalPeriod, FundingRequest
from budgets.permissions import can_maintain_budgets
from mrm.api import ListExportMixin, ScopedCreateReadViewSet, ScopedModelViewSet, exportable_list, object_history_action
from mrm.parsers import JSONParser


class FinanceWrites(permissions.BasePermission):
    """Reads for everyone in scope; writes only for finance and admins (403 for others).

    A write aimed at an object outside the user's scope stays a 404: the
    object is looked up (scoped) before the refusal.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or can_maintain_budgets(request.user):
            return True
        if getattr(view, "detail", False):
            view.get_object()
        raise PermissionDenied(_("Only finance and administrators maintain budgets, categories and periods."))


class FinanceStructureViewSet(ScopedModelViewSet):
    permission_classes = [permissions.IsAuthenticated, FinanceWrites]


class FiscalPeriodViewSet(FinanceStructureViewSet):
    """Fiscal periods (quarters or months) with their fiscal year."""

    queryset = FiscalPeriod.objects.select_related("year")
    serializer_class = FiscalPeriodSerializer
    filterset_class = FiscalPeriodFilter
    search_fields = ["name", "year__name"]
    ordering_fields = ["start_date", "end_date", "name", "id"]
    ordering = ["start_date"]

    def perform_create(self, serializer):
        serializer.instance = services.fiscal_period_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = {
            **_current(serializer.instance, ["name", "kind", "start_date", "end_date"]),
            **serializer.validated_data,
        }
        if data.pop("year", serializer.instance.year) != serializer.instance.year:
            raise ValidationError(
                {"year": [_("A period stays in its fiscal year; create one in the other year instead.")]}
            )
        serializer.instance = services.fiscal_period_update(period=serializer.instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.fiscal_period_delete(period=instance, by=self.request.user)


class ExpenseCategoryViewSet(FinanceStructureViewSet):
    """Expense categories: finance's chart of accounts as a tree (``parent``)."""

    queryset = ExpenseCategory.objects.select_related("parent")
    serializer_class = ExpenseCategorySerializer
    filterset_class = ExpenseCategoryFilter
    search_fields = ["code", "name", "name_ru", "gl_account"]
    ordering_fields = ["code", "name", "gl_account", "id"]
    ordering = ["code"]

    def perform_create(self, serializer):
        serializer.instance = services.category_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.category_update(
            category=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.category_delete(category=instance, by=self.request.user)


class BudgetAllocationViewSet(FinanceStructureViewSet):
    """Money planned per period × team × category; marketers see their own teams' only."""

    queryset = BudgetAllocation.objects.with_related()
    serializer_class = BudgetAllocationSerializer
    filterset_class = BudgetAllocationFilter
    search_fields = ["team__name", "category__code", "category__name", "period__name", "note"]
    ordering_fields = ["amount", "period__start_date", "team__name", "category__code", "updated_at", "id"]
    ordering = ["period__start_date", "team__name", "category__code"]

    def perform_create(self, serializer):
        serializer.instance = services.allocation_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.allocation_update(
            allocation=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.allocation_delete(allocation=instance, by=self.request.user)


def _current(instance, fields):
    return {field: getattr(instance, field) for field in fields}


# --- funding requests, commitments and expenses ------------------------------------------------


def funding_request_queryset(queryset):
    """Requests with what the API and pages show per row: joins, spend sums and the latest approval's id."""
    from approvals.models import ApprovalRequest

    content_type = ContentType.objects.get_for_model(FundingRequest)
    latest_approval = ApprovalRequest.objects.filter(content_type=content_type, object_id=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    return selectors.with_spend(queryset.with_related()).annotate(
        approval_request=Subquery(latest_approval.values("pk")[:1])
    )


def _attach_budget_context(rows) -> None:
    """``budget_context`` of each request: the same few queries for a page of any size."""
    if isinstance(rows, FundingRequest):
        rows = [rows]
    elif not isinstance(rows, list):
        return  # a queryset is never handed to the serializer unpaginated here
    rows = [row for row in rows if isinstance(row, FundingRequest) and not hasattr(row, "budget_context")]
    contexts = selectors.decision_contexts(rows)
    for row in rows:
        row.budget_context = contexts[row.pk].as_data()


@exportable_list(FundingRequestSerializer)
class FundingRequestViewSet(ListExportMixin, ScopedModelViewSet):
    """Funding requests (PRODUCT.md §4): marketers ask for their teams' campaigns; decisions go
    through ``/api/v1/approval-requests/{id}/decide/`` (``approval_request`` is its id).

    ``?format=csv|xlsx`` downloads every request the filters select, as a file."""

    queryset = FundingRequest.objects.all()
    serializer_class = FundingRequestSerializer
    filterset_class = FundingRequestFilter
    search_fields = ["number", "justification", "campaign__code", "campaign__name"]
    ordering_fields = ["created_at", "submitted_at", "amount", "approved_amount", "number", "id"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    export_spec = exports.FUNDING_REQUESTS
    history = object_history_action(exports.funding_request_history_sources)

    def get_queryset(self):
        return funding_request_queryset(super().get_queryset())

    def get_export_queryset(self):
        # The file reads named columns: the spend sums and decision figures would only cost time.
        return super().get_queryset()

    def export_scope(self, user) -> str:
        return exports.scope_label(user)

    def get_serializer(self, *args, **kwargs):
        if args and args[0] is not None:
            _attach_budget_context(args[0])
        return super().get_serializer(*args, **kwargs)

    def _fresh(self, pk):
        fresh = self.get_queryset().get(pk=pk)
        _attach_budget_context(fresh)
        return fresh

    def perform_create(self, serializer):
        created = services.funding_request_create(by=self.request.user, **serializer.validated_data)
        serializer.instance = self._fresh(created.pk)

    def perform_update(self, serializer):
        services.funding_request_update(
            funding_request=serializer.instance, by=self.request.user, **serializer.validated_data
        )
        serializer.instance = self._fresh(serializer.instance.pk)

    @extend_schema(request=FundingRequestSubmitSerializer, responses=FundingRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the request for approval (the funding-request workflow); 409 unless it is a draft or withdrawn."""
        funding_request = self.get_object()
        data = FundingRequestSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.funding_request_submit(funding_request=funding_request, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self._fresh(funding_request.pk)).data)

    @extend_schema(request=FundingRequestWithdrawSerializer, responses=FundingRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a draft or submitted request back (its open approval is cancelled); 409 once decided."""
        funding_request = self.get_object()
        data = FundingRequestWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.funding_request_withdraw(funding_request=funding_request, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self._fresh(funding_request.pk)).data)


class _SpendViewSet(ScopedCreateReadViewSet):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = SPEND_SEARCH_FIELDS
    ordering_fields = ["date", "amount", "created_at", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return super().get_queryset().with_related()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        record = self.create_service(funding_request=data.pop("funding_request"), by=self.request.user, **data)
        serializer.instance = record


@exportable_list(CommitmentSerializer)
class CommitmentViewSet(ListExportMixin, _SpendViewSet):
    """Commitments (POs, contracts) against approved funding requests; never beyond the approved amount.

    ``?format=csv|xlsx`` downloads every commitment the filters select, as a file.
    """

    queryset = Commitment.objects.all()
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    create_service = staticmethod(services.commitment_create)
    export_spec = exports.COMMITMENTS

    def export_scope(self, user) -> str:
        return exports.scope_label(user)


@exportable_list(ExpenseSerializer)
class ExpenseViewSet(ListExportMixin, _SpendViewSet):
    """Expenses (invoices, actual spend) against approved funding requests; never beyond the approved amount.

    ``?format=csv|xlsx`` downloads the list — every row the filters, search
    and ordering select, within what the caller may read — as a file, streamed.
    """

    queryset = Expense.objects.all()
    serializer_class = ExpenseSerializer
    filterset_class = ExpenseFilter
    create_service = staticmethod(services.expense_create)
    export_spec = exports.EXPENSES

    def export_scope(self, user) -> str:
        return exports.scope_label(user)
