"""Finance structure in the API: snake_case, integer ids, money as decimal strings (§8).

Serializers validate the shape of the input; the writes themselves are the
services' (views call them), so the API keeps the same rules as the pages.
"""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team
from budgets.models import (
    BudgetAllocation,
    Commitment,
    Expense,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    FundingRequest,
)
from mrm.api import NoteField
from mrm.bounds import DecimalSerializerField
from mrm.fast_lists import FastListSerializer


class FiscalYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = FiscalYear
        fields = ["id", "name", "start_date", "end_date"]


class FiscalYearField(serializers.PrimaryKeyRelatedField):
    """Written as the year's id, read as the year itself (name and dates)."""

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return FiscalYearSerializer(value).data


class FiscalYearFieldSchema(OpenApiSerializerFieldExtension):
    """The schema says what FiscalYearField does: an id in a request, the year in a response."""

    target_class = FiscalYearField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "description": "The fiscal year's id."}
        return auto_schema.resolve_serializer(FiscalYearSerializer, direction).ref


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
    amount = DecimalSerializerField(max_digits=14, decimal_places=2, min_value=0)

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


# --- funding requests, commitments, expenses (§4, §8) ------------------------------------------

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


class _ScopedFieldsMixin:
    """Related choices limited to what the requesting user may see (another team's objects do not exist)."""

    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, queryset in self.scoped_fields.items():
            if name in self.fields and user is not None and not self.fields[name].read_only:
                self.fields[name].queryset = queryset().visible_to(user)


def _campaigns():
    from campaigns.models import Campaign

    return Campaign.objects.all()


# Sums of a budget line may outgrow one amount's 14 digits.
LINE_MONEY = {"max_digits": 18, "decimal_places": 2}


class EarlierRequestSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    amount = DecimalSerializerField(**LINE_MONEY)
    approved_amount = DecimalSerializerField(allow_null=True, **LINE_MONEY)
    period = serializers.CharField()
    category = serializers.CharField()


class BudgetContextSerializer(serializers.Serializer):
    """The request's budget line (period × team × category) as a decider sees it (issue 14, item 2).

    ``approved`` counts the line's other funded requests; ``remaining_before``
    = allocated − approved; ``remaining_after`` = remaining_before − ``amount``
    (what this request asks, or was granted once funded); negative means over
    budget. The same figures for every reader of the request.
    """

    team = serializers.CharField()
    period = serializers.CharField()
    category = serializers.CharField()
    amount = DecimalSerializerField(**LINE_MONEY)
    has_allocation = serializers.BooleanField()
    allocated = DecimalSerializerField(**LINE_MONEY)
    approved = DecimalSerializerField(**LINE_MONEY)
    committed = DecimalSerializerField(**LINE_MONEY)
    spent = DecimalSerializerField(**LINE_MONEY)
    remaining_before = DecimalSerializerField(**LINE_MONEY)
    remaining_after = DecimalSerializerField(**LINE_MONEY)
    over_budget_after = serializers.BooleanField()
    earlier_requests = EarlierRequestSerializer(many=True)


class FundingRequestSerializer(_ScopedFieldsMixin, serializers.ModelSerializer):
    scoped_fields = {
        "campaign": _campaigns,
        "category": lambda: ExpenseCategory.objects.all(),
        "period": lambda: FiscalPeriod.objects.all(),
    }

    campaign = serializers.PrimaryKeyRelatedField(queryset=_campaigns())
    campaign_code = serializers.CharField(source="campaign.code", read_only=True)
    team = serializers.IntegerField(source="campaign.team_id", read_only=True)
    category = serializers.PrimaryKeyRelatedField(queryset=ExpenseCategory.objects.all())
    category_code = serializers.CharField(source="category.code", read_only=True)
    period = serializers.PrimaryKeyRelatedField(queryset=FiscalPeriod.objects.all())
    period_name = serializers.CharField(source="period.name", read_only=True)
    amount = DecimalSerializerField(min_value=Decimal("0.01"), **MONEY_FIELD)
    approved_amount = DecimalSerializerField(read_only=True, allow_null=True, **MONEY_FIELD)
    expected_revenue = DecimalSerializerField(required=False, allow_null=True, min_value=0, **MONEY_FIELD)
    expected_leads = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_000_000_000)
    requested_by = serializers.PrimaryKeyRelatedField(read_only=True)
    committed = DecimalSerializerField(read_only=True, **MONEY_FIELD)
    spent = DecimalSerializerField(read_only=True, **MONEY_FIELD)
    approval_request = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The latest approval request's id (decide through it)."
    )
    decision_note = NoteField()
    budget_context = BudgetContextSerializer(read_only=True, allow_null=True, default=None)

    class Meta:
        model = FundingRequest
        fields = [
            "id",
            "number",
            "campaign",
            "campaign_code",
            "team",
            "category",
            "category_code",
            "period",
            "period_name",
            "amount",
            "approved_amount",
            "justification",
            "expected_leads",
            "expected_revenue",
            "requested_by",
            "status",
            "decision_note",
            "approval_request",
            "budget_context",
            "committed",
            "spent",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "status", "decision_note", "submitted_at", "decided_at", "created_at"]
        list_serializer_class = FastListSerializer


class FundingRequestSubmitSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class FundingRequestWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class SpendSerializer(_ScopedFieldsMixin, serializers.ModelSerializer):
    scoped_fields = {"funding_request": lambda: FundingRequest.objects.all(), "campaign": _campaigns}

    funding_request = serializers.PrimaryKeyRelatedField(queryset=FundingRequest.objects.all())
    funding_request_number = serializers.CharField(source="funding_request.number", read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=_campaigns(), required=False, help_text="Must be the funding request's campaign (default)."
    )
    amount = DecimalSerializerField(**MONEY_FIELD)
    attachment = serializers.FileField(write_only=True, required=False, allow_null=True)
    attachment_url = serializers.SerializerMethodField()
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        fields = [
            "id",
            "funding_request",
            "funding_request_number",
            "campaign",
            "vendor",
            "amount",
            "date",
            "reference",
            "note",
            "attachment",
            "attachment_name",
            "attachment_url",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["attachment_name", "created_at"]
        list_serializer_class = FastListSerializer

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_url(self, record) -> str | None:
        if not record.attachment:
            return None
        return reverse("budgets:spend_attachment", args=[record._meta.model_name, record.pk])


class CommitmentSerializer(SpendSerializer):
    class Meta(SpendSerializer.Meta):
        model = Commitment


class ExpenseSerializer(SpendSerializer):
    actual_line = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(SpendSerializer.Meta):
        model = Expense
        fields = [*SpendSerializer.Meta.fields, "actual_line"]
