"""Budgets' importers for the import engine (:mod:`imports.registry`): categories, allocations, actuals.

Finance and admins import (PRODUCT.md §2: ``can_maintain_budgets``).
Categories and allocations apply all or nothing; accounting actuals apply
every readable line and keep the others' reasons on the job.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.choices import ImportKind
from budgets.imports.actuals import plan_actuals
from budgets.imports.allocations import plan_allocations
from budgets.imports.categories import plan_categories
from budgets.models import ImportSource
from budgets.permissions import can_maintain_budgets
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


def register() -> None:
    for importer in (CategoriesImporter(), AllocationsImporter(), ActualsImporter()):
        register_importer(importer)
