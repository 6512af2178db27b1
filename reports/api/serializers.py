"""Shapes of the reports API (PRODUCT.md §8): money and ratios as decimal strings, dates ISO 8601."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mrm.api import NoteField
from mrm.spreadsheets import CSV_DIALECT_CHOICES
from reports.choices import ColumnType, ExportFormat
from reports.models import ReportRun


class ParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["integer", "date", "choice", "string"])
    label = serializers.CharField()
    required = serializers.BooleanField()
    help = serializers.CharField(required=False)
    choices = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=ColumnType.choices)


class ReportSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    formats = serializers.ListField(child=serializers.ChoiceField(choices=ExportFormat.values + ["json"]))
    parameters = ParameterSerializer(many=True)
    url = serializers.CharField()


class FilterSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class ChartDatasetSerializer(serializers.Serializer):
    label = serializers.CharField()
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))


class ChartSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    value_type = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField(allow_blank=True))
    datasets = ChartDatasetSerializer(many=True)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "integer"}],
            "nullable": True,
        },
        "description": "One value per column key: money, numbers and percentages as decimal strings, dates ISO 8601.",
    }
)
class RowField(serializers.DictField):
    pass


class ScopeSerializer(serializers.Serializer):
    """Whose figures a report holds (PRODUCT.md §6)."""

    all_teams = serializers.BooleanField(help_text="True when the figures cover every team.")
    teams = serializers.ListField(
        child=serializers.CharField(), help_text="The teams covered when not all of them; empty for all teams."
    )
    label = serializers.CharField(help_text="The scope in words, in the reader's language.")


class ReportDataSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    scope = ScopeSerializer()
    params = serializers.DictField(child=serializers.CharField())
    filters = FilterSerializer(many=True)
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=RowField(), help_text="The page's rows (``page``, ``page_size``).")
    rows_total = serializers.IntegerField(help_text="How many rows the report has in all; the totals cover them all.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, help_text="The next page of rows, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of rows, or null on the first.")
    totals = RowField(allow_null=True)
    chart = ChartSerializer(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    generated_at = serializers.DateTimeField()


def plain_value(column, value):
    """A value as JSON carries it: decimal strings for money and ratios, ISO dates, integers, text."""
    if value is None:
        return None
    if column.type == ColumnType.MONEY:
        return f"{Decimal(value):.2f}"
    if column.type in (ColumnType.PERCENT, ColumnType.DECIMAL):
        return f"{Decimal(value):f}"
    if column.type == ColumnType.INT:
        return int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def result_data(result, *, next_url=None, previous_url=None) -> dict:
    """The report as JSON: one page of rows (``result.window``) with the totals of every row."""

    def row_data(row):
        return {c.key: plain_value(c, row.get(c.key)) for c in result.columns}

    window = result.window
    return {
        "slug": result.report.slug,
        "title": str(result.report.title),
        "scope": result.scope.as_json(),
        "params": result.params,
        "filters": [{"label": label, "value": value} for label, value in result.filters],
        "columns": [{"key": c.key, "label": str(c.label), "type": str(c.type)} for c in result.columns],
        "rows": [row_data(row) for row in result.rows],
        "rows_total": result.rows_total if result.rows_total is not None else len(result.rows),
        "page": window.offset // window.limit + 1 if window else 1,
        "page_size": window.limit if window else len(result.rows),
        "next": next_url,
        "previous": previous_url,
        "totals": row_data(result.totals) if result.totals is not None else None,
        "chart": result.chart.as_json() if result.chart is not None else None,
        "notes": [str(n) for n in result.notes],
        "generated_at": result.generated_at,
    }


class ReportRunSerializer(serializers.ModelSerializer):
    params = serializers.DictField(child=serializers.CharField(), required=False)
    dialect = serializers.ChoiceField(
        choices=CSV_DIALECT_CHOICES,
        allow_blank=True,
        read_only=True,
        help_text="CSV only: ru or en as asked; empty when the run follows the requester's language.",
    )
    download_url = serializers.SerializerMethodField()
    # Why it failed, in the reader's language (a lost worker is a system note, mrm.messages).
    error = NoteField()

    class Meta:
        model = ReportRun
        fields = (
            "id",
            "report",
            "params",
            "format",
            "dialect",
            "status",
            "progress",
            "rows",
            "error",
            "attempts",
            "file_name",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = (
            "id",
            "dialect",
            "status",
            "progress",
            "rows",
            "error",
            "attempts",
            "file_name",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, run) -> str | None:
        if not run.is_downloadable:
            return None
        return reverse("api:report-run-download", args=[run.pk])


class ReportRunCreateSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=60)
    params = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    dialect = serializers.ChoiceField(
        choices=CSV_DIALECT_CHOICES,
        required=False,
        allow_blank=True,
        help_text="CSV only: ru or en; by default the requester's language.",
    )
