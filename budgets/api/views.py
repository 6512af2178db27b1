"""Budget endpoints (PRODUCT.md §8): read by every role in scope, written by finance and admins."""

from django.utils.translation import gettext as _
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied, ValidationError

from budgets import services
from budgets.api.filters import BudgetAllocationFilter, ExpenseCategoryFilter, FiscalPeriodFilter
from budgets.api.serializers import BudgetAllocationSerializer, ExpenseCategorySerializer, FiscalPeriodSerializer
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod
from budgets.permissions import can_maintain_budgets
from mrm.api import ScopedModelViewSet


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
