"""Filters of the budget endpoints, shared by the API and the pages."""

import django_filters

from budgets.choices import FundingRequestStatus
from budgets.models import BudgetAllocation, Commitment, Expense, ExpenseCategory, FiscalPeriod, FundingRequest
from campaigns.api.filters import MAX_ID

# An id no row can have (0, negative, past a database integer) is a 400, not a 500 (SQLite overflows on it).
ID_BOUNDS = {"min_value": 1, "max_value": MAX_ID}


class FiscalPeriodFilter(django_filters.FilterSet):
    contains_date = django_filters.DateFilter(method="filter_contains_date", label="contains date")

    class Meta:
        model = FiscalPeriod
        fields = ["year", "kind"]

    def filter_contains_date(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class ExpenseCategoryFilter(django_filters.FilterSet):
    root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="root")

    class Meta:
        model = ExpenseCategory
        fields = ["parent", "is_active", "gl_account", "code"]


class BudgetAllocationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="period__year", **ID_BOUNDS)

    class Meta:
        model = BudgetAllocation
        fields = ["period", "team", "category", "year"]


class FundingRequestFilter(django_filters.FilterSet):
    team = django_filters.NumberFilter(field_name="campaign__team", **ID_BOUNDS)
    year = django_filters.NumberFilter(field_name="period__year", **ID_BOUNDS)
    status = django_filters.MultipleChoiceFilter(choices=FundingRequestStatus.choices)

    class Meta:
        model = FundingRequest
        fields = ["campaign", "category", "period", "status", "team", "year", "requested_by"]


class SpendFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        fields = ["funding_request", "campaign", "date_from", "date_to"]


class CommitmentFilter(SpendFilter):
    class Meta(SpendFilter.Meta):
        model = Commitment


class ExpenseFilter(SpendFilter):
    class Meta(SpendFilter.Meta):
        model = Expense
