"""Shapes of ``/api/v1/imports/`` (PRODUCT.md §8): a job with its status, progress, counts and row errors."""

from __future__ import annotations

from rest_framework import serializers

from imports.choices import JobStatus, RowOutcome
from imports.models import ImportJob, ImportRow
from imports.registry import importers


class ImportRowSerializer(serializers.ModelSerializer):
    """One row of the stored plan: its line in the file, what importing it does, and why not."""

    outcome = serializers.ChoiceField(choices=RowOutcome.choices)
    data = serializers.DictField(help_text="The values read from the row, as the importer will apply them.")
    changes = serializers.ListField(child=serializers.CharField())
    errors = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ImportRow
        fields = ("line", "outcome", "label", "data", "changes", "errors")


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())


class ImportJobSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=JobStatus.choices, read_only=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows per outcome: new, changed, unchanged, ..."
    )
    result = serializers.DictField(read_only=True, help_text="What applying wrote (once applied).")
    summary = serializers.DictField(
        read_only=True,
        help_text='What the file names that MRM does not know, listed before anything is written: {"users": [...]}.',
    )
    progress = serializers.IntegerField(
        source="current_progress", read_only=True, min_value=0, max_value=100, help_text="Per cent done (0-100)."
    )

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "kind",
            "status",
            "progress",
            "file_name",
            "file_size",
            "options",
            "error",
            "counts",
            "summary",
            "result",
            "created_by",
            "created_at",
            "parsed_at",
            "applied_by",
            "applied_at",
            "undone_by",
            "undone_at",
        )
        read_only_fields = fields


class ImportJobDetailSerializer(ImportJobSerializer):
    row_errors = serializers.SerializerMethodField(
        help_text="The first rows in error with their line numbers (all of them: GET rows/?outcome=error)."
    )
    header = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The file's header row, as written in the file."
    )
    columns = serializers.SerializerMethodField(
        help_text="The columns a header may be mapped to (POST mapping/), key → header in your language."
    )

    class Meta(ImportJobSerializer.Meta):
        fields = (*ImportJobSerializer.Meta.fields, "header", "columns", "row_errors")
        read_only_fields = fields

    def get_columns(self, job) -> dict[str, str]:
        importer = importers().get(job.kind)
        return dict(importer.column_choices()) if importer else {}

    def get_row_errors(self, job) -> list[dict]:
        # Computed once by the view (one query), never per row.
        return RowErrorSerializer(self.context.get("row_errors", []), many=True).data


class ImportJobCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField(allow_empty_file=False)
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10_000,
        help_text=(
            'How to read the file. Accounting actuals: the import source\'s id or name, or {"source": <id>}. '
            'Campaigns, activities, tasks, KPIs: JSON {"columns": {"File header": "key" (or "" to '
            'ignore)}, "source": "name"}; the mapping is remembered for the source (or the same headers).'
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(importers())


class ImportMappingSerializer(serializers.Serializer):
    """The mapping step: each file header that the importer does not know, mapped to a column key or ignored."""

    columns = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        help_text='File header → column key ("" ignores the column).',
    )
    source = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text="Remember the mapping under this source's name."
    )
