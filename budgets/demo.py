"""Demo finance structure: fiscal years with quarters, finance's categories, allocations, one accounting import.

Safe to run again: years, categories and allocations are updated in place,
and the accounting file is imported once (its lines are deduplicated anyway).
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from accounts.models import Team, User
from budgets import services
from budgets.choices import ImportKind, PeriodKind
from budgets.models import ExpenseCategory, FiscalPeriod, FiscalYear, ImportBatch, ImportSource

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CATEGORIES_FILE = FIXTURES / "expense_categories.csv"
ACCOUNTING_FILE = FIXTURES / "accounting_export_cp1251.csv"

# Quarterly amounts per team and category code (demo numbers, in MRM_CURRENCY).
ALLOCATIONS = {
    "Brand": {"MKT-PR": "400000.00", "MKT-PRN": "150000.00", "MKT-AGY": "300000.00", "MKT-RES": "120000.00"},
    "Digital": {"MKT-DIG-SEA": "900000.00", "MKT-DIG-SOC": "600000.00", "MKT-AGY": "200000.00"},
    "Events": {"MKT-EVT": "1500000.00", "MKT-PRN": "80000.00", "MKT-SOU": "250000.00"},
    "Регион Север": {"MKT-EVT": "300000.00", "MKT-PRN": "60000.00", "MKT-DIG-SEA": "150000.00"},
}

ONE_C = {
    "name": "1C:Accounting (CSV)",
    "encoding": "cp1251",
    "delimiter": ";",
    "decimal_comma": True,
    "date_format": "%d.%m.%Y",
    "date_column": "Дата",
    "document_number_column": "Номер документа",
    "vendor_column": "Контрагент",
    "amount_column": "Сумма",
    "gl_account_column": "Счет",
    "category_column": "Статья",
    "comment_column": "Комментарий",
    "reference_column": "",
}


def seed(stdout) -> None:
    finance = User.objects.get(username="finance")
    this_year = timezone.localdate().year
    years = [_year(this_year, finance), _year(this_year + 1, finance)]
    _categories(finance)
    allocations = _allocations(years, finance)
    lines = _accounting_import(finance)
    stdout.write(
        f"  budgets: {len(years)} fiscal years, {ExpenseCategory.objects.count()} categories, "
        f"{allocations} allocations, {lines} accounting lines"
    )


def _year(year: int, by) -> FiscalYear:
    existing = FiscalYear.objects.filter(name=f"FY{year}").first()
    if existing:
        return existing
    return services.fiscal_year_create(
        name=f"FY{year}", start_date=datetime.date(year, 1, 1), period_kind=PeriodKind.QUARTER, by=by
    )


def _categories(by) -> None:
    batch, plan = services.import_upload(
        kind=ImportKind.CATEGORIES, file_name=CATEGORIES_FILE.name, content=CATEGORIES_FILE.read_bytes(), by=by
    )
    if any(row.outcome in ("new", "changed") for row in plan.rows):
        services.import_apply(batch=batch, by=by)
    else:
        batch.delete()  # nothing to apply: keep the import log free of no-op previews


def _allocations(years, by) -> int:
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    count = 0
    for team in Team.objects.filter(name__in=ALLOCATIONS):
        for period in FiscalPeriod.objects.filter(year__in=years):
            for code, amount in ALLOCATIONS[team.name].items():
                services.allocation_set(
                    period=period, team=team, category=categories[code], amount=Decimal(amount), by=by
                )
                count += 1
    return count


def _accounting_import(by) -> int:
    source = ImportSource.objects.filter(name=ONE_C["name"]).first() or ImportSource(**ONE_C)
    if source.pk is None:
        services.import_source_save(source=source, by=by)
    content = ACCOUNTING_FILE.read_bytes()
    if not ImportBatch.objects.filter(source=source, applied_at__isnull=False, file_name=ACCOUNTING_FILE.name).exists():
        batch, _plan = services.import_upload(
            kind=ImportKind.ACTUALS, file_name=ACCOUNTING_FILE.name, content=content, source=source, by=by
        )
        services.import_apply(batch=batch, by=by)
    return source.lines.count()
