"""Filters of the budget endpoints, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from budgets.choices import FundingRequestStatus
from budgets.models import BudgetAllocation, Commitment, Expense, ExpenseCategory, FiscalPeriod, FundingRequest
from mrm.filters import BooleanFilter, DateFilter, FilterSet, IdNumberFilter


class FiscalPeriodFilter(FilterSet):
    contains_date = DateFilter(method="filter_contains_date", label="contains date")

    class Meta:
        model = FiscalPeriod
        fields = ["year", "kind"]

    def filter_contains_date(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class ExpenseCategoryFilter(FilterSet):
    root = BooleanFilter(field_name="parent", lookup_expr="isnull", label="root")

    class Meta:
        model = ExpenseCategory
        fields = ["parent", "is_active", "gl_account", "code"]


class BudgetAllocationFilter(FilterSet):
    year = IdNumberFilter(field_name="period__year")

    class Meta:
        model = BudgetAllocation
        fields = ["period", "team", "category", "year"]


class FundingRequestFilter(FilterSet):
    team = IdNumberFilter(field_name="campaign__team")
    year = IdNumberFilter(field_name="period__year")
    status = django_filters.MultipleChoiceFilter(choices=FundingRequestStatus.choices)

    class Meta:
        model = FundingRequest
        fields = ["campaign", "category", "period", "status", "team", "year", "requested_by"]


#: What the spend lists' search looks in (the API's ``?search=`` and the expenses page).
SPEND_SEARCH_FIELDS = ["vendor", "reference", "note", "funding_request__number"]


class SpendFilter(FilterSet):
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("Date from"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("Date to"))

    class Meta:
        fields = ["funding_request", "campaign", "date_from", "date_to"]


class CommitmentFilter(SpendFilter):
    class Meta(SpendFilter.Meta):
        model = Commitment


class ExpenseFilter(SpendFilter):
    class Meta(SpendFilter.Meta):
        model = Expense
