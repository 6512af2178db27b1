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
from imports.registry import Importer, register_importer
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


class FundingRequestsImporter(Importer):
    """Funding requests with their status (issue 17): marketers their teams' open requests, finance and admins all."""

    kind = "funding_requests"
    title = gettext_lazy("funding requests")
    all_or_nothing = False

    def can_import(self, user) -> bool:
        return can_maintain_budgets(user) or can_ask_for_money(user)

    def job_scope(self, user) -> Q:
        """A marketer sees the imports they uploaded; finance and admins all of this kind."""
        return Q() if can_maintain_budgets(user) else Q(created_by=user)

    def template_columns(self) -> list[str]:
        return funding.COLUMNS.headers()

    def clean_options(self, mapping, *, by) -> dict:
        return {"uploaded_by": by.pk}  # the rows are planned as the uploader may write them (§2)

    def plan(self, *, content, file_name, options, read_limits):
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return funding.plan_funding_requests(read_table(content, file_name, **read_limits), by=by)

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


class SpendImporter(Importer):
    """Expenses or commitments (issue 17): finance and admins for any campaign, marketers for their teams' (§2)."""

    model = Expense
    all_or_nothing = False

    def can_import(self, user) -> bool:
        return can_maintain_budgets(user) or can_ask_for_money(user)

    def job_scope(self, user) -> Q:
        return Q() if can_maintain_budgets(user) else Q(created_by=user)

    def template_columns(self) -> list[str]:
        return spend.COLUMNS[self.model].headers()

    def clean_options(self, mapping, *, by) -> dict:
        return {"uploaded_by": by.pk}

    def plan(self, *, content, file_name, options, read_limits):
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return spend.plan_spend(self.model, read_table(content, file_name, **read_limits), by=by)

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
    model = Expense


class CommitmentsImporter(SpendImporter):
    kind = "commitments"
    title = gettext_lazy("commitments")
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
