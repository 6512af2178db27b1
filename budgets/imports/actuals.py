"""Actual spend exported by accounting, read with the source's column mapping.

Each line yields a date, document number, vendor, amount (Decimal, negative
for refunds), GL account, category, comment and reference, plus the funding
request number found in the comment or reference (``FR-2027-0001``). A line
that cannot be read is reported with its line number; the other lines are
unaffected.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budgets.models import ActualLine, ExpenseCategory, ImportSource
from imports.choices import RowOutcome
from imports.plans import ImportPlan, PlannedRow
from imports.tabular import DateOutsideWindow, Table, cell_text, parse_amount, parse_date

# The human-readable number of a funding request (PRODUCT.md §4), as finance
# quotes it on POs and invoices; found anywhere in a comment or reference.
FUNDING_REQUEST_NUMBER = re.compile(r"\bFR-\d{4}-\d{4,}\b", re.IGNORECASE)

MAPPED_FIELDS = (
    ("date", "date_column", True),
    ("document_number", "document_number_column", True),
    ("vendor", "vendor_column", False),
    ("amount", "amount_column", True),
    ("gl_account", "gl_account_column", False),
    ("category_name", "category_column", False),
    ("comment", "comment_column", False),
    ("reference", "reference_column", False),
)
LIMITS = {"document_number": 100, "vendor": 255, "gl_account": 40, "category_name": 200, "reference": 255}


def find_request_number(*texts: str) -> str:
    """The first funding request number in the given texts, upper-cased, or ``""``."""
    for text in texts:
        match = FUNDING_REQUEST_NUMBER.search(text or "")
        if match:
            return match.group(0).upper()
    return ""


def fingerprint(*, document_number: str, date, amount, raw: dict) -> str:
    """The identity of a line across re-exports: document number + date + amount (or the whole row)."""
    if document_number:
        key = f"{document_number.strip().casefold()}|{date.isoformat()}|{amount}"
    else:
        key = json.dumps(raw, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def plan_actuals(source: ImportSource, table: Table) -> ImportPlan:
    """What importing ``table`` from ``source`` would add, without writing anything."""
    columns = {}
    missing = []
    for name, attribute, required in MAPPED_FIELDS:
        spec = getattr(source, attribute)
        index = table.column_index(spec) if spec else None
        if spec and index is None:
            missing.append(spec)
        elif required and index is None:
            missing.append(name)
        columns[name] = table.header[index] if index is not None else None
    if missing:
        raise ValidationError(
            _("The file does not have the column(s) the source %(source)s maps: %(columns)s. Found: %(found)s.")
            % {"source": source.name, "columns": ", ".join(missing), "found": ", ".join(table.header)}
        )
    categories = _category_lookup()
    already = set(ActualLine.objects.filter(source=source).values_list("fingerprint", flat=True))
    plan = ImportPlan(header=table.header)
    in_file: dict[str, int] = {}
    for row in table.rows:
        planned = _plan_line(source, row, columns, categories, table.header)
        plan.rows.append(planned)
        if planned.errors:
            continue
        key = planned.data["fingerprint"]
        if key in already:
            planned.outcome = RowOutcome.DUPLICATE
        elif key in in_file:
            planned.outcome = RowOutcome.DUPLICATE
            planned.changes.append(_("same as line %(line)s") % {"line": in_file[key]})
        else:
            in_file[key] = row.line
            planned.outcome = RowOutcome.NEW
    return plan


def _plan_line(source, row, columns, categories, header) -> PlannedRow:
    errors = [row.shape_error] if row.shape_error else []
    raw = {name: cell_text(row, name) for name in header}
    text = {name: raw[column] if column else "" for name, column in columns.items()}
    date = amount = None
    try:
        date = parse_date(row.values.get(columns["date"].casefold()), source.date_format)
    except DateOutsideWindow as exc:
        errors.append(str(exc))
    except ValueError:
        errors.append(
            _("the date %(value)s does not match the format %(format)s")
            % {"value": text["date"] or "—", "format": source.date_format}
        )
    try:
        amount = parse_amount(row.values.get(columns["amount"].casefold()), decimal_comma=source.decimal_comma)
    except ValueError:
        errors.append(_("the amount %(value)s is not a number") % {"value": text["amount"] or "—"})
    for name, limit in LIMITS.items():
        if len(text[name]) > limit:
            errors.append(
                _("%(column)s is longer than %(limit)s characters") % {"column": columns[name], "limit": limit}
            )
    label = " · ".join(v for v in (text["document_number"], text["vendor"]) if v)
    if errors:
        return PlannedRow(line=row.line, outcome=RowOutcome.ERROR, label=label, data={"raw": raw}, errors=errors)
    category = _match_category(categories, text["category_name"], text["gl_account"])
    data = {
        "date": date.isoformat(),
        "document_number": text["document_number"],
        "vendor": text["vendor"],
        "amount": str(amount),
        "gl_account": text["gl_account"],
        "category_name": text["category_name"],
        "category_id": category.pk if category else None,
        "category_code": category.code if category else "",
        "comment": text["comment"],
        "reference": text["reference"],
        "request_number": find_request_number(text["reference"], text["comment"]),
        "raw": raw,
        "fingerprint": fingerprint(document_number=text["document_number"], date=date, amount=amount, raw=raw),
    }
    return PlannedRow(line=row.line, outcome=RowOutcome.NEW, label=label, data=data)


def _category_lookup() -> dict:
    by_name, by_gl = {}, {}
    for category in ExpenseCategory.objects.filter(is_active=True):
        for key in (category.code, category.name, category.name_ru):
            if key:
                by_name.setdefault(key.casefold(), category)
        by_gl.setdefault(category.gl_account, []).append(category)
    return {"name": by_name, "gl": by_gl}


def _match_category(lookup, name: str, gl_account: str):
    """The category by the export's category column (code or name), else by a GL account used by one category only."""
    if name and name.casefold() in lookup["name"]:
        return lookup["name"][name.casefold()]
    candidates = lookup["gl"].get(gl_account, []) if gl_account else []
    return candidates[0] if len(candidates) == 1 else None
