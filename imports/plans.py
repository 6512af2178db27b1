"""What an import would do: a plan computed without writing anything (the dry run)."""

from __future__ import annotations

from dataclasses import dataclass, field

from imports.choices import RowOutcome


@dataclass
class PlannedRow:
    """One row of the file and what importing it would do."""

    line: int
    outcome: str
    label: str = ""
    data: dict = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return RowOutcome(self.outcome).label

    @property
    def is_error(self) -> bool:
        return self.outcome == RowOutcome.ERROR


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    #: What the whole file refers to and MRM does not know (``{"users": [...], "teams": [...]}``), shown first.
    summary: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowOutcome.values, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def errors(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.is_error]

    @property
    def has_errors(self) -> bool:
        return any(row.is_error for row in self.rows)

    def error_messages(self) -> list[str]:
        return [f"{row.line}: {'; '.join(row.errors)}" for row in self.errors]
