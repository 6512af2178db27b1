"""Budgets' importers for the import engine (:mod:`imports.registry`): categories, allocations, actuals.

Finance and admins import (PRODUCT.md §2: ``can_maintain_budgets``).
Categories and allocations apply all or nothing; accounting actuals apply
every readable line and keep the others' reasons on the job.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.choices import ImportKind
from budgets.imports import funding, spend
from budgets.imports.actuals import plan_actuals
from budgets.imports.allocations import plan_allocations
from budgets.imports.categories import plan_categories
from budgets.models import Commitment, Expense, ImportSource
from budgets.permissions import can_ask_for_money, can_maintain_budgets
from imports.registry import ColumnsImporter, Importer, register_importer
from imports.tabular import read_table


class BudgetImporter(Importer):
    def can_import(self, user) -> bool:
        return can_maintain_budgets(user)

    def read(self, content: bytes, file_name: str, read_limits: dict, **kwargs):
        return read_table(content, file_name, **kwargs, **read_limits)


class CategoriesImporter(BudgetImporter):
    kind = ImportKind.CATEGORIES
    title = gettext_lazy("expense categories")

    def plan(self, *, content, file_name, options, read_limits):
        return plan_categories(self.read(content, file_name, read_limits))

    def apply(self, *, job, rows, by):
        from budgets.services import import_apply_categories

        return import_apply_categories(rows, by=by)

    def result_url(self, job) -> str:
        return reverse("budgets:categories")


class AllocationsImporter(BudgetImporter):
    kind = ImportKind.ALLOCATIONS
    title = gettext_lazy("budget allocations")

    def plan(self, *, content, file_name, options, read_limits):
        return plan_allocations(self.read(content, file_name, read_limits))

    def apply(self, *, job, rows, by):
        from budgets.services import import_apply_allocations

        return import_apply_allocations(rows, by=by)

    def result_url(self, job) -> str:
        return reverse("budgets:index")


class ActualsImporter(BudgetImporter):
    """Accounting actuals; the ``mapping`` names the source whose column mapping reads the file."""

    kind = ImportKind.ACTUALS
    title = gettext_lazy("accounting actuals")
    all_or_nothing = False

    def clean_options(self, mapping, *, by) -> dict:
        """``mapping``: the import source's id or name, or ``{"source": <id or name>}``."""
        if isinstance(mapping, str) and mapping.strip().startswith("{"):
            try:
                mapping = json.loads(mapping)
            except ValueError:
                raise ValidationError({"mapping": _("The mapping is not valid JSON.")}) from None
        if isinstance(mapping, dict):
            mapping = mapping.get("source")
        if mapping in (None, ""):
            raise ValidationError({"mapping": _("Choose the accounting system the file comes from.")})
        sources = ImportSource.objects.visible_to(by).filter(is_active=True)
        text = str(mapping).strip()
        source = sources.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None
        source = source or sources.filter(name=text).first()
        if source is None:
            raise ValidationError({"mapping": _("There is no active import source %(name)s.") % {"name": text[:100]}})
        return {"source": source.pk}

    def source(self, options) -> ImportSource:
        source = ImportSource.objects.filter(pk=options.get("source")).first()
        if source is None:
            raise ValidationError(_("The import source of this file no longer exists."))
        return source

    def plan(self, *, content, file_name, options, read_limits):
        source = self.source(options)
        table = self.read(content, file_name, read_limits, encoding=source.encoding, delimiter=source.csv_delimiter)
        return plan_actuals(source, table)

    def apply(self, *, job, rows, by):
        from budgets.services import import_apply_actuals

        return import_apply_actuals(job=job, source=self.source(job.options), rows=rows, by=by)

    def result_url(self, job) -> str:
        batch_id = (job.result or {}).get("batch")
        return (
            f"{reverse('budgets:actuals')}?{urlencode({'batch': batch_id})}" if batch_id else reverse("budgets:actuals")
        )


class _MappedImporter(ColumnsImporter):
    """Budgets' importers of model rows: the engine's column-mapping step and browser pages (docs/IMPORTS.md)."""

    section = "budgets"


class FundingRequestsImporter(_MappedImporter):
    """Funding requests with their status (issue 17): marketers their teams' open requests, finance and admins all."""

    kind = "funding_requests"
    title = gettext_lazy("funding requests")
    upload_title = gettext_lazy("Import funding requests")
    upload_help = (
        gettext_lazy(
            "Columns: %(columns)s. A new request needs its campaign (by code), category (by code or name), period "
            "(by name or a date inside it), amount and justification."
        ),
        gettext_lazy(
            "A row with an ID from an export, a request number or an external reference MRM knows updates that "
            "request; any other row is added; importing the same file again changes nothing. Marketers import "
            "drafts and submitted requests of their teams' campaigns; finance and administrators also decided "
            "ones. CSV from Excel in Russian (semicolons, decimal comma, dd.mm.yyyy, Windows-1251) is read as it is."
        ),
    )
    all_or_nothing = False

    def can_import(self, user) -> bool:
        return can_maintain_budgets(user) or can_ask_for_money(user)

    def job_scope(self, user) -> Q:
        """A marketer sees the imports they uploaded; finance and admins all of this kind."""
        return Q() if can_maintain_budgets(user) else Q(created_by=user)

    columns = funding.COLUMNS

    def clean_options(self, mapping, *, by) -> dict:
        return {"uploaded_by": by.pk}  # the rows are planned as the uploader may write them (§2)

    def plan_table(self, *, table, options):
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return funding.plan_funding_requests(table, by=by)

    def apply(self, *, job, rows, by):
        from budgets.services import funding_requests_import

        return funding_requests_import(rows=rows, by=by, note=import_note(job))

    def undo_objections(self, job) -> list[str]:
        from budgets.services import funding_requests_import_objections

        return funding_requests_import_objections(job)

    def undo(self, *, job, by) -> dict:
        from budgets.services import funding_requests_import_undo

        return funding_requests_import_undo(job=job, by=by)

    def result_url(self, job) -> str:
        return reverse("budgets:requests")


class SpendImporter(_MappedImporter):
    """Expenses or commitments (issue 17): finance and admins for any campaign, marketers for their teams' (§2)."""

    model = Expense
    all_or_nothing = False
    upload_help = (
        gettext_lazy(
            "Columns: %(columns)s. Each row needs its funding request (by number or external reference), vendor, "
            "amount and date."
        ),
        gettext_lazy(
            "A row with an ID from an export or an external reference MRM knows is that record and is left as it "
            "is; any other row is added, within the request's approved amount, in file order. Finance imports for "
            "any campaign, marketers for their teams' campaigns. CSV from Excel in Russian (semicolons, decimal "
            "comma, dd.mm.yyyy, Windows-1251) is read as it is."
        ),
    )

    def can_import(self, user) -> bool:
        return can_maintain_budgets(user) or can_ask_for_money(user)

    def job_scope(self, user) -> Q:
        return Q() if can_maintain_budgets(user) else Q(created_by=user)

    @property
    def columns(self):
        return spend.COLUMNS[self.model]

    def clean_options(self, mapping, *, by) -> dict:
        return {"uploaded_by": by.pk}

    def plan_table(self, *, table, options):
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return spend.plan_spend(self.model, table, by=by)

    def apply(self, *, job, rows, by):
        from budgets.services import spend_import

        return spend_import(self.model, rows=rows, by=by, note=import_note(job))

    def undo_objections(self, job) -> list[str]:
        from budgets.services import spend_import_objections

        return spend_import_objections(self.model, job)

    def undo(self, *, job, by) -> dict:
        from budgets.services import spend_import_undo

        return spend_import_undo(self.model, job=job, by=by)

    def result_url(self, job) -> str:
        return reverse("budgets:requests")


class ExpensesImporter(SpendImporter):
    kind = "expenses"
    title = gettext_lazy("expenses")
    upload_title = gettext_lazy("Import expenses")
    model = Expense

    def result_url(self, job) -> str:
        return reverse("budgets:expenses")


class CommitmentsImporter(SpendImporter):
    kind = "commitments"
    title = gettext_lazy("commitments")
    upload_title = gettext_lazy("Import commitments")
    model = Commitment


def import_note(job) -> str:
    """The reason written in the history of every record an import writes."""
    return _("Imported from %(file)s (import #%(id)s)") % {"file": job.file_name, "id": job.pk}


def register() -> None:
    for importer in (
        CategoriesImporter(),
        AllocationsImporter(),
        ActualsImporter(),
        FundingRequestsImporter(),
        ExpensesImporter(),
        CommitmentsImporter(),
    ):
        register_importer(importer)
