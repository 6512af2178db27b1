"""Expense categories from finance's chart of accounts (CSV/XLSX).

Columns: ``code``, ``name`` (required), ``name_ru``, ``parent_code``,
``gl_account``, ``active`` (optional). A row whose code exists updates that
category; a parent may be defined anywhere in the file or already exist.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budgets.models import ExpenseCategory
from imports.choices import RowOutcome
from imports.plans import ImportPlan, PlannedRow
from imports.tabular import Table, cell_text

REQUIRED = ("code", "name")
ALIASES = {"parent_code": ("parent_code", "parent"), "gl_account": ("gl_account", "gl", "account")}
TRUE = {"1", "true", "yes", "y", "да", "x"}
FALSE = {"0", "false", "no", "n", "нет"}


def _column(table: Table, name: str) -> str | None:
    lowered = [h.casefold() for h in table.header]
    for candidate in ALIASES.get(name, (name,)):
        if candidate in lowered:
            return candidate
    return None


def plan_categories(table: Table) -> ImportPlan:
    """What importing ``table`` would do to the categories, without writing anything."""
    missing = [name for name in REQUIRED if _column(table, name) is None]
    if missing:
        raise ValidationError(
            _("The file lacks the column(s): %(columns)s. Expected: code, name, name_ru, parent_code, gl_account.")
            % {"columns": ", ".join(missing)}
        )
    columns = {
        name: _column(table, name) for name in ("code", "name", "name_ru", "parent_code", "gl_account", "active")
    }
    existing = {category.code: category for category in ExpenseCategory.objects.select_related("parent")}
    plan = ImportPlan(header=table.header)
    seen: dict[str, int] = {}
    parents: dict[str, str] = {code: (c.parent.code if c.parent else "") for code, c in existing.items()}

    def text(row, name):
        return cell_text(row, columns[name]) if columns[name] else None

    for row in table.rows:
        errors = [row.shape_error] if row.shape_error else []
        code, name = text(row, "code"), text(row, "name")
        data = {
            "code": code,
            "name": name,
            "name_ru": text(row, "name_ru"),
            "parent_code": text(row, "parent_code"),
            "gl_account": text(row, "gl_account"),
        }
        if not code:
            errors.append(_("the code is empty"))
        elif len(code) > 40:
            errors.append(_("the code is longer than 40 characters"))
        elif code in seen:
            errors.append(_("the code %(code)s is already on line %(line)s") % {"code": code, "line": seen[code]})
        if not name:
            errors.append(_("the name is empty"))
        for key, limit in (("name", 200), ("name_ru", 200), ("gl_account", 40)):
            if data[key] and len(data[key]) > limit:
                errors.append(_("%(column)s is longer than %(limit)s characters") % {"column": key, "limit": limit})
        active_text = text(row, "active")
        if active_text is not None and active_text != "":
            if active_text.casefold() in TRUE:
                data["is_active"] = True
            elif active_text.casefold() in FALSE:
                data["is_active"] = False
            else:
                errors.append(_("active must be yes or no, not %(value)s") % {"value": active_text})
        if code and code not in seen:
            seen[code] = row.line
            if data["parent_code"] is not None:
                parents[code] = data["parent_code"]
        plan.rows.append(
            PlannedRow(line=row.line, outcome=RowOutcome.ERROR, label=code or "", data=data, errors=errors)
        )

    file_codes = set(seen)
    for planned in plan.rows:
        code, parent_code = planned.data["code"], planned.data["parent_code"]
        if parent_code:
            if parent_code == code:
                planned.errors.append(_("a category cannot be its own parent"))
            elif parent_code not in file_codes and parent_code not in existing:
                planned.errors.append(
                    _("the parent %(code)s is neither in the file nor in MRM") % {"code": parent_code}
                )
            elif _makes_cycle(code, parents):
                planned.errors.append(_("the parent %(code)s would make a loop in the tree") % {"code": parent_code})
        if planned.errors:
            continue
        current = existing.get(code)
        if current is None:
            planned.outcome = RowOutcome.NEW
            continue
        planned.changes = _changes(current, planned.data)
        planned.outcome = RowOutcome.CHANGED if planned.changes else RowOutcome.UNCHANGED
    return plan


def _makes_cycle(code: str, parents: dict[str, str]) -> bool:
    seen, current = {code}, parents.get(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _changes(category: ExpenseCategory, data: dict) -> list[str]:
    changes = []
    for field in ("name", "name_ru", "gl_account"):
        if data[field] is not None and data[field] != getattr(category, field):
            changes.append(f"{field}: {getattr(category, field) or '—'} → {data[field] or '—'}")
    if data["parent_code"] is not None:
        before = category.parent.code if category.parent else ""
        if data["parent_code"] != before:
            changes.append(f"parent_code: {before or '—'} → {data['parent_code'] or '—'}")
    if "is_active" in data and data["is_active"] != category.is_active:
        changes.append(f"active: {category.is_active} → {data['is_active']}")
    return changes
