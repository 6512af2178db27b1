"""Finance structure in the API: snake_case, integer ids, money as decimal strings (§8).

Serializers validate the shape of the input; the writes themselves are the
services' (views call them), so the API keeps the same rules as the pages.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod, FiscalYear


class FiscalYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = FiscalYear
        fields = ["id", "name", "start_date", "end_date"]


@extend_schema_field(FiscalYearSerializer)
class FiscalYearField(serializers.PrimaryKeyRelatedField):
    """Written as the year's id, read as the year itself (name and dates)."""

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return FiscalYearSerializer(value).data


class FiscalPeriodSerializer(serializers.ModelSerializer):
    year = FiscalYearField(queryset=FiscalYear.objects.all())

    class Meta:
        model = FiscalPeriod
        fields = ["id", "year", "name", "kind", "start_date", "end_date"]


class ExpenseCategorySerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=ExpenseCategory.objects.all(), allow_null=True, required=False)
    parent_code = serializers.SerializerMethodField()

    class Meta:
        model = ExpenseCategory
        fields = ["id", "code", "name", "name_ru", "parent", "parent_code", "gl_account", "is_active"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent_code(self, category) -> str | None:
        # parent is select_related by the viewset: no query per row.
        return category.parent.code if category.parent_id else None


class BudgetAllocationSerializer(serializers.ModelSerializer):
    period = serializers.PrimaryKeyRelatedField(queryset=FiscalPeriod.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=ExpenseCategory.objects.all())
    period_name = serializers.CharField(source="period.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)

    class Meta:
        model = BudgetAllocation
        fields = [
            "id",
            "period",
            "period_name",
            "team",
            "team_name",
            "category",
            "category_code",
            "amount",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is the service's to check (under a lock), with a clear message.
        validators: list = []
