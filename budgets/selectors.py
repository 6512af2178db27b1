"""Reads of the budget pages that are more than one queryset.

Every read starts from ``visible_to(user)``; totals are summed by the
database, and the number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Team
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod
from budgets.permissions import can_maintain_budgets
from mrm.templatetags.money import format_money


def category_tree(categories) -> list[tuple[ExpenseCategory, int]]:
    """Categories in tree order (parents before their children, by code) with their depth."""
    categories = list(categories)
    children: dict[int | None, list[ExpenseCategory]] = {}
    known = {c.pk for c in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    ordered: list[tuple[ExpenseCategory, int]] = []

    def walk(parent, depth):
        for category in sorted(children.get(parent, []), key=lambda c: c.code):
            ordered.append((category, depth))
            if depth < 50:
                walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def periods_for(user):
    return FiscalPeriod.objects.visible_to(user).select_related("year").order_by("start_date", "name")


def default_period(periods, today: datetime.date | None = None):
    """The period containing today, else the last one that started, else the first."""
    today = today or timezone.localdate()
    periods = list(periods)
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    started = [p for p in periods if p.start_date <= today]
    return started[-1] if started else (periods[0] if periods else None)


def grid_teams(user):
    """Columns of the grid: every active team for finance, admins and approvers; a marketer's own teams."""
    teams = Team.objects.visible_to(user).filter(is_active=True)
    if not (can_maintain_budgets(user) or user.has_role(Role.APPROVER)):
        teams = teams.filter(pk__in=user.team_ids)
    return list(teams.order_by("name"))


@dataclass
class GridRow:
    category: ExpenseCategory
    depth: int
    cells: list = field(default_factory=list)
    total: Decimal | None = None


@dataclass
class AllocationGrid:
    period: FiscalPeriod | None
    teams: list
    rows: list[GridRow]
    team_totals: list
    total: Decimal | None


def allocation_grid(*, user, period: FiscalPeriod | None) -> AllocationGrid:
    """Allocations of one period as categories × teams, with row, column and grand totals from SQL."""
    teams = grid_teams(user)
    if period is None:
        return AllocationGrid(period=None, teams=teams, rows=[], team_totals=[], total=None)
    allocations = BudgetAllocation.objects.visible_to(user).filter(period=period, team__in=[t.pk for t in teams])
    cells = {
        (team_id, category_id): amount
        for team_id, category_id, amount in allocations.values_list("team_id", "category_id", "amount")
    }
    category_totals = dict(
        allocations.values("category").annotate(total=Sum("amount")).values_list("category", "total")
    )
    team_totals = dict(allocations.values("team").annotate(total=Sum("amount")).values_list("team", "total"))
    total = allocations.aggregate(total=Sum("amount"))["total"]
    used = {category_id for _team, category_id in cells}
    categories = ExpenseCategory.objects.filter(is_active=True) | ExpenseCategory.objects.filter(pk__in=used)
    rows = []
    for category, depth in category_tree(categories.distinct()):
        row = GridRow(category=category, depth=depth, total=category_totals.get(category.pk))
        row.cells = [{"team": team, "amount": cells.get((team.pk, category.pk))} for team in teams]
        rows.append(row)
    return AllocationGrid(
        period=period,
        teams=teams,
        rows=rows,
        team_totals=[team_totals.get(team.pk) for team in teams],
        total=total,
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    action: str
    changes: list = field(default_factory=list)


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def history_of(obj, *, limit: int = 20) -> list[HistoryEntry]:
    """Who changed what and when (django-simple-history), newest first, with the changed fields.

    One query: the records are diffed against each other in memory; foreign
    keys are shown as ids' current labels only where cheap, so the audit
    stays readable without a query per row.
    """
    if obj is None or obj.pk is None:
        return []
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        changes = []
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at", "raw", "fingerprint"])
            for change in delta.changes:
                field_obj = obj._meta.get_field(change.field)
                changes.append({"field": field_obj, "old": change.old, "new": change.new})
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=HISTORY_ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    _label_changes(entries)
    return entries


def _label_changes(entries: list[HistoryEntry]) -> None:
    """Readable values: related objects by name (one query per related model), money formatted."""
    wanted: dict = {}
    for entry in entries:
        for change in entry.changes:
            if change["field"].is_relation:
                wanted.setdefault(change["field"].related_model, set()).update({change["old"], change["new"]} - {None})
    labels = {model: model._base_manager.in_bulk(list(ids)) for model, ids in wanted.items()}
    for entry in entries:
        for change in entry.changes:
            field_obj = change["field"]
            for side in ("old", "new"):
                value = change[side]
                if value in (None, ""):
                    value = "—"
                elif field_obj.is_relation:
                    value = str(labels[field_obj.related_model].get(value, value))
                elif isinstance(value, Decimal) and getattr(field_obj, "decimal_places", None) == 2:
                    value = format_money(value)
                elif isinstance(value, bool):
                    value = _("yes") if value else _("no")
                change[side] = value
            change["field"] = field_obj.verbose_name
