"""Budget allocations from a spreadsheet (CSV/XLSX).

Columns: ``period`` (its name, e.g. ``Q1 2027``), ``team`` (name or slug),
``category`` (its code; ``category_code`` works too), ``amount``
(``1500.00`` or ``1 500,00``) and an optional ``note``. A row for an
existing period × team × category replaces that allocation's amount.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Team
from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod
from imports.choices import RowOutcome
from imports.plans import ImportPlan, PlannedRow
from imports.tabular import Table, cell_text, parse_amount

COLUMNS = {
    "period": ("period", "fiscal_period"),
    "team": ("team",),
    "category": ("category", "category_code"),
    "amount": ("amount",),
    "note": ("note",),
}


def _column(table: Table, name: str) -> str | None:
    lowered = [h.casefold() for h in table.header]
    return next((c for c in COLUMNS[name] if c in lowered), None)


def plan_allocations(table: Table) -> ImportPlan:
    """What importing ``table`` would do to the allocations, without writing anything."""
    columns = {name: _column(table, name) for name in COLUMNS}
    missing = [name for name in ("period", "team", "category", "amount") if columns[name] is None]
    if missing:
        raise ValidationError(
            _("The file lacks the column(s): %(columns)s. Expected: period, team, category, amount, note.")
            % {"columns": ", ".join(missing)}
        )
    periods: dict[str, list[FiscalPeriod]] = {}
    for period in FiscalPeriod.objects.select_related("year"):
        periods.setdefault(period.name.casefold(), []).append(period)
    teams = {}
    for team in Team.objects.all():
        teams[team.name.casefold()] = team
        teams[team.slug.casefold()] = team
    categories = {category.code.casefold(): category for category in ExpenseCategory.objects.all()}
    existing = {(a.period_id, a.team_id, a.category_id): a for a in BudgetAllocation.objects.all()}
    plan = ImportPlan(header=table.header)
    seen: dict[tuple, int] = {}
    for row in table.rows:
        errors = [row.shape_error] if row.shape_error else []
        values = {name: cell_text(row, column) if column else "" for name, column in columns.items()}
        period_matches = periods.get(values["period"].casefold(), [])
        team = teams.get(values["team"].casefold())
        category = categories.get(values["category"].casefold())
        if not period_matches:
            errors.append(_("no fiscal period is named %(value)s") % {"value": values["period"] or "—"})
        elif len(period_matches) > 1:
            errors.append(_("several fiscal years have a period named %(value)s") % {"value": values["period"]})
        if team is None:
            errors.append(_("no team is named %(value)s") % {"value": values["team"] or "—"})
        if category is None:
            errors.append(_("no expense category has the code %(value)s") % {"value": values["category"] or "—"})
        elif not category.is_active:
            errors.append(_("the category %(value)s is inactive") % {"value": category.code})
        amount = None
        raw_amount = row.values.get(columns["amount"])
        try:
            amount = parse_amount(raw_amount)
        except ValueError:
            errors.append(
                _("the amount %(value)s is not a number with at most two decimals") % {"value": values["amount"] or "—"}
            )
        else:
            if amount < 0:
                errors.append(_("the amount must not be negative"))
        if len(values["note"]) > 255:
            errors.append(_("the note is longer than 255 characters"))
        label = " · ".join(v for v in (values["period"], values["team"], values["category"]) if v)
        planned = PlannedRow(line=row.line, outcome=RowOutcome.ERROR, label=label, errors=errors)
        plan.rows.append(planned)
        if errors:
            continue
        period = period_matches[0]
        key = (period.pk, team.pk, category.pk)
        if key in seen:
            planned.errors.append(
                _("the same period, team and category are already on line %(line)s") % {"line": seen[key]}
            )
            continue
        seen[key] = row.line
        planned.data = {
            "period_id": period.pk,
            "team_id": team.pk,
            "category_id": category.pk,
            "amount": str(amount),
            "note": values["note"],
        }
        current = existing.get(key)
        if current is None:
            planned.outcome = RowOutcome.NEW
        else:
            if current.amount != amount:
                planned.changes.append(f"amount: {current.amount} → {amount}")
            if columns["note"] and current.note != values["note"]:
                planned.changes.append(f"note: {current.note or '—'} → {values['note'] or '—'}")
            planned.outcome = RowOutcome.CHANGED if planned.changes else RowOutcome.UNCHANGED
    return plan
