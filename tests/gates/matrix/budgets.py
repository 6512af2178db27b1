"""Permission matrix rows of budgets: finance structure, imports and accounting actuals (PRODUCT.md §2, §4).

Reading: every role reads fiscal periods and categories; allocations are read
by finance, admins and approvers for every team and by marketers for their
own teams (another team's allocation is a 404). Writing, imports and the
unmapped queue: finance and admins only (403 for the others; a write aimed
at another team's allocation stays a 404).
"""

import datetime
from decimal import Decimal

from budgets.choices import ImportKind
from budgets.models import ActualLine, ImportBatch
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    ImportSourceFactory,
)
from tests.support.matrix import FORBIDDEN, NOT_FOUND, SIGNED_IN, Resource, Route, only

FINANCE = only("finance", "admin")


def period(world):
    return FiscalPeriodFactory()


def category(world):
    return ExpenseCategoryFactory(code="MATRIX")


def allocation(world):
    return BudgetAllocationFactory(team=world.team, category=ExpenseCategoryFactory(code="MATRIX"))


def source(world):
    return ImportSourceFactory()


def categories_import(world):
    return ImportBatch.objects.create(
        kind=ImportKind.CATEGORIES,
        file_name="c.csv",
        content=b"code,name\nMATRIX,Matrix\n",
        sha256="0" * 64,
        uploaded_by=world.finance,
    )


def actual_line(world):
    batch = ImportBatch.objects.create(
        kind=ImportKind.ACTUALS,
        source=ImportSourceFactory(),
        file_name="e.csv",
        content=b"",
        sha256="1" * 64,
        uploaded_by=world.finance,
    )
    return ActualLine.objects.create(
        source=batch.source,
        batch=batch,
        line_number=2,
        date=datetime.date(2027, 2, 3),
        document_number="0000-000114",
        amount=Decimal("150000.00"),
        fingerprint="f" * 64,
    )


def cell_of_team_a(world, obj):
    """The grid cell (period, team, category) of an allocation of team A."""
    cell = allocation(world)
    return {"period_pk": cell.period_id, "team_pk": cell.team_id, "category_pk": cell.category_id}


RESOURCES = [
    Resource(
        "fiscal periods",
        {
            "GET /api/v1/fiscal-periods/": SIGNED_IN,
            "POST /api/v1/fiscal-periods/": FINANCE,
            "GET /api/v1/fiscal-periods/{id}/": SIGNED_IN,
            "PUT /api/v1/fiscal-periods/{id}/": FINANCE,
            "PATCH /api/v1/fiscal-periods/{id}/": Route(FINANCE, data={"name": "Q1 renamed"}),
            "DELETE /api/v1/fiscal-periods/{id}/": FINANCE,
            "budgets:period_edit": FINANCE,
            "POST budgets:period_edit": FINANCE,
            "POST budgets:period_delete": FINANCE,
        },
        obj=period,
    ),
    Resource(
        "fiscal years",
        {
            "budgets:years": SIGNED_IN,
            "budgets:year_create": FINANCE,
            "POST budgets:year_create": Route(
                FINANCE, data={"name": "FY2031", "start_date": "2031-01-01", "period_kind": "quarter"}
            ),
            "budgets:year_edit": FINANCE,
            "POST budgets:year_edit": FINANCE,
            "POST budgets:year_delete": FINANCE,
            "budgets:period_create": Route(FINANCE, kwargs=lambda world, obj: {"year_pk": FiscalYearFactory().pk}),
            "POST budgets:period_create": Route(FINANCE, kwargs=lambda world, obj: {"year_pk": FiscalYearFactory().pk}),
        },
        obj=lambda world: FiscalYearFactory(),
    ),
    Resource(
        "expense categories",
        {
            "GET /api/v1/expense-categories/": SIGNED_IN,
            "POST /api/v1/expense-categories/": Route(FINANCE, data={"code": "NEW", "name": "New"}),
            "GET /api/v1/expense-categories/{id}/": SIGNED_IN,
            "PUT /api/v1/expense-categories/{id}/": FINANCE,
            "PATCH /api/v1/expense-categories/{id}/": Route(FINANCE, data={"name": "Renamed"}),
            "DELETE /api/v1/expense-categories/{id}/": FINANCE,
            "budgets:categories": SIGNED_IN,
            "budgets:category_create": FINANCE,
            "POST budgets:category_create": FINANCE,
            "budgets:category_edit": FINANCE,
            "POST budgets:category_edit": FINANCE,
            "POST budgets:category_delete": FINANCE,
        },
        obj=category,
    ),
    Resource(
        "budget allocations",
        {
            "GET /api/v1/budget-allocations/": SIGNED_IN,
            "POST /api/v1/budget-allocations/": FINANCE,
            "GET /api/v1/budget-allocations/{id}/": SIGNED_IN | {"other_team": NOT_FOUND},
            "PUT /api/v1/budget-allocations/{id}/": FINANCE | {"other_team": NOT_FOUND},
            "PATCH /api/v1/budget-allocations/{id}/": Route(
                FINANCE | {"other_team": NOT_FOUND}, data={"amount": "2500.00"}
            ),
            "DELETE /api/v1/budget-allocations/{id}/": FINANCE | {"other_team": NOT_FOUND},
            "budgets:index": SIGNED_IN,
            "budgets:allocation_cell": Route(
                FINANCE | {"other_team": FORBIDDEN},
                kwargs=cell_of_team_a,
            ),
            "POST budgets:allocation_cell": Route(
                FINANCE,
                kwargs=cell_of_team_a,
                data={"amount": "1.00"},
            ),
        },
        obj=allocation,
    ),
    Resource(
        "imports",
        {
            "budgets:imports": FINANCE,
            "budgets:import_upload": Route(FINANCE, kwargs={"kind": "categories"}),
            "POST budgets:import_upload": Route(FINANCE, kwargs={"kind": "categories"}),
            "budgets:import_preview": FINANCE,
            "POST budgets:import_apply": FINANCE,
        },
        obj=categories_import,
    ),
    Resource(
        "import sources",
        {
            "budgets:sources": FINANCE,
            "budgets:source_create": FINANCE,
            "POST budgets:source_create": FINANCE,
            "budgets:source_edit": FINANCE,
            "POST budgets:source_edit": FINANCE,
        },
        obj=source,
    ),
    Resource(
        "accounting lines (the unmapped queue)",
        {
            "budgets:actuals": FINANCE,
            "budgets:actual_line": FINANCE,
            "POST budgets:actual_line": FINANCE,
            "POST budgets:actual_line_status": Route(FINANCE, data={"status": "ignored", "note": "not marketing"}),
        },
        obj=actual_line,
    ),
]
