"""Filters of the budget endpoints, shared by the API and the pages."""

import django_filters

from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod


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
    year = django_filters.NumberFilter(field_name="period__year")

    class Meta:
        model = BudgetAllocation
        fields = ["period", "team", "category", "year"]
