"""Permission matrix rows of budgets: finance structure, imports and accounting actuals (PRODUCT.md §2, §4).

Reading: every role reads fiscal periods and categories; allocations are read
by finance, admins and approvers for every team and by marketers for their
own teams (another team's allocation is a 404). Writing, imports and the
unmapped queue: finance and admins only (403 for the others; a write aimed
at another team's allocation stays a 404).
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from budgets.choices import FundingRequestStatus, ImportKind
from budgets.models import ActualLine, ImportBatch
from imports.choices import JobStatus
from imports.models import ImportJob, ImportRow
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
    ImportSourceFactory,
)
from tests.campaigns.factories import CampaignFactory
from tests.support.matrix import FORBIDDEN, NOT_FOUND, OK, SIGNED_IN, Resource, Route, expect, only

FINANCE = only("finance", "admin")
IMPORTERS_OF_CAMPAIGNS = {"marketer": OK, "other_team": OK}
NOT_THEIR_JOB = {"marketer": NOT_FOUND, "other_team": NOT_FOUND}


def period(world):
    return FiscalPeriodFactory()


def category(world):
    return ExpenseCategoryFactory(code="MATRIX")


def allocation(world):
    return BudgetAllocationFactory(team=world.team, category=ExpenseCategoryFactory(code="MATRIX"))


def source(world):
    return ImportSourceFactory()


def categories_import(world):
    """A categories import job read and ready to confirm, with its stored plan of one row."""
    job = ImportJob(
        kind=ImportKind.CATEGORIES,
        status=JobStatus.READY,
        file_name="c.csv",
        sha256="0" * 64,
        counts={"new": 1},
        created_by=world.finance,
    )
    job.file.save("c.csv", ContentFile(b"code,name\nMATRIX,Matrix\n"), save=False)
    job.save()
    ImportRow.objects.create(
        job=job, line=2, outcome="new", label="MATRIX", data={"code": "MATRIX", "name": "Matrix", "name_ru": None}
    )
    return job


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
            "GET /api/v1/budget-allocations/{id}/": SIGNED_IN | {"approver": NOT_FOUND, "other_team": NOT_FOUND},
            "PUT /api/v1/budget-allocations/{id}/": FINANCE | {"approver": NOT_FOUND, "other_team": NOT_FOUND},
            "PATCH /api/v1/budget-allocations/{id}/": Route(
                FINANCE | {"approver": NOT_FOUND, "other_team": NOT_FOUND}, data={"amount": "2500.00"}
            ),
            "DELETE /api/v1/budget-allocations/{id}/": FINANCE | {"approver": NOT_FOUND, "other_team": NOT_FOUND},
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
            # the import API (PRODUCT.md §8): someone who may import nothing gets a 403 on every route;
            # marketers import campaigns, so for them a categories job is one they cannot see (404)
            "GET /api/v1/imports/": FINANCE | IMPORTERS_OF_CAMPAIGNS,
            "POST /api/v1/imports/": FINANCE | IMPORTERS_OF_CAMPAIGNS,
            "GET /api/v1/imports/{id}/": FINANCE | NOT_THEIR_JOB,
            "GET /api/v1/imports/{id}/rows/": FINANCE | NOT_THEIR_JOB,
            "POST /api/v1/imports/{id}/confirm/": FINANCE | NOT_THEIR_JOB,
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
            "POST budgets:actual_line_map": FINANCE,
        },
        obj=actual_line,
    ),
]


# --- funding requests, commitments, expenses (§2, §4) -------------------------------------------
# Marketers of team A ask for and change their campaigns' requests; finance reads every one and
# records spend for any campaign; an approver reads only the requests they were asked to decide
# (none here: 404); another team's marketer never sees team A's requests (404).


def campaign_of_team_a(world, confidential=False):
    """A campaign running in February–March 2027, inside the period its requests are booked in (§4)."""
    return CampaignFactory(
        team=world.team,
        owner=world.marketer,
        confidential=confidential,
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 3, 31),
    )


def funding_request(world):
    return FundingRequestFactory(campaign=campaign_of_team_a(world), requested_by=world.marketer)


def confidential_request(world):
    return FundingRequestFactory(campaign=campaign_of_team_a(world, confidential=True), requested_by=world.marketer)


def approved_request(world, confidential=False):
    return FundingRequestFactory(
        campaign=campaign_of_team_a(world, confidential=confidential),
        requested_by=world.marketer,
        status=FundingRequestStatus.APPROVED,
        approved_amount="10000.00",
    )


def expense(world, confidential=False):
    record = ExpenseFactory(funding_request=approved_request(world, confidential), recorded_by=world.marketer)
    record.attachment_name = "invoice.pdf"
    record.attachment.save("invoice.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return record


def new_request_body(world, obj):
    return {
        "campaign": campaign_of_team_a(world).pk,
        "category": ExpenseCategoryFactory(code="MATRIX").pk,
        "period": FiscalPeriodFactory().pk,
        "amount": "1500.00",
        "justification": "Leads for the launch",
    }


def expense_body(world, obj):
    return {"funding_request": approved_request(world).pk, "vendor": "Vendor", "amount": "10.00", "date": "2027-02-01"}


TEAM_A = expect(OK, approver=NOT_FOUND, other_team=NOT_FOUND)
# Leadership reads every request and changes none (PRODUCT.md §2).
TEAM_A_WRITES = expect(OK, approver=NOT_FOUND, other_team=NOT_FOUND, finance=FORBIDDEN, leadership=FORBIDDEN)
ASKERS = expect(OK, approver=FORBIDDEN, finance=FORBIDDEN, leadership=FORBIDDEN)

RESOURCES += [
    Resource(
        "funding requests",
        {
            "GET /api/v1/funding-requests/": SIGNED_IN,
            "POST /api/v1/funding-requests/": Route(only("marketer", "admin"), data=new_request_body),
            "GET /api/v1/funding-requests/{id}/": TEAM_A,
            "GET /api/v1/funding-requests/{id}/history/": TEAM_A,
            "PUT /api/v1/funding-requests/{id}/": TEAM_A,
            "PATCH /api/v1/funding-requests/{id}/": Route(TEAM_A_WRITES, data={"justification": "Better leads"}),
            "POST /api/v1/funding-requests/{id}/submit/": TEAM_A_WRITES,
            "POST /api/v1/funding-requests/{id}/withdraw/": TEAM_A_WRITES,
            "budgets:requests": SIGNED_IN,
            "budgets:request_create": ASKERS,
            "POST budgets:request_create": ASKERS,
            "budgets:request_budget_info": SIGNED_IN,
            "budgets:review_queue": FINANCE,
            "budgets:request_detail": TEAM_A,
            "budgets:decision_context": TEAM_A,
            "budgets:request_edit": TEAM_A_WRITES,
            "POST budgets:request_edit": TEAM_A_WRITES,
            "POST budgets:request_submit": TEAM_A_WRITES,
            "POST budgets:request_withdraw": TEAM_A_WRITES,
            "budgets:utilisation": SIGNED_IN,
        },
        obj=funding_request,
        confidential=confidential_request,
    ),
    Resource(
        "commitments and expenses",
        {
            "GET /api/v1/expenses/": SIGNED_IN,
            "POST /api/v1/expenses/": Route(SIGNED_IN | {"leadership": FORBIDDEN}, data=expense_body),
            "GET /api/v1/expenses/{id}/": TEAM_A,
            "budgets:expenses": SIGNED_IN,
            "budgets:spend_create": Route(
                TEAM_A | {"leadership": FORBIDDEN},
                kwargs=lambda world, obj: {"pk": obj.funding_request_id, "kind": "expense"},
            ),
            "POST budgets:spend_create": Route(
                TEAM_A | {"leadership": FORBIDDEN},
                kwargs=lambda world, obj: {"pk": obj.funding_request_id, "kind": "expense"},
            ),
            "budgets:spend_attachment": Route(TEAM_A, kwargs={"kind": "expense"}),
        },
        obj=expense,
        confidential=lambda world: expense(world, confidential=True),
    ),
    Resource(
        "commitments",
        {
            "GET /api/v1/commitments/": SIGNED_IN,
            "POST /api/v1/commitments/": Route(SIGNED_IN | {"leadership": FORBIDDEN}, data=expense_body),
            "GET /api/v1/commitments/{id}/": TEAM_A,
        },
        obj=lambda world: _commitment(world),
        confidential=lambda world: _commitment(world, confidential=True),
    ),
    Resource(
        "campaign money section",
        {"budgets:campaign_money": Route(SIGNED_IN, kwargs=lambda world, obj: {"campaign_pk": obj.pk})},
        obj=lambda world: campaign_of_team_a(world),
        confidential=lambda world: campaign_of_team_a(world, confidential=True),
    ),
]


def _commitment(world, confidential=False):
    from tests.budgets.factories import CommitmentFactory

    return CommitmentFactory(funding_request=approved_request(world, confidential), recorded_by=world.marketer)
