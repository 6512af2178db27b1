"""The importers: each domain app registers what it can import (STYLE.md: generic engines low, domain on top).

The engine (upload, job, limits, stored plan, preview, confirm) knows no
campaign or budget. An app describes one kind of import with an
:class:`Importer` and registers it in its ``AppConfig.ready()``::

    register_importer(CategoriesImporter())

The importer says who may import (``can_import``), what the optional
``mapping`` of an upload means (``clean_options``), how a file becomes a
plan (``plan``: rows with their outcome, never writing) and how a stored
plan is applied (``apply``: inside the engine's transaction).
"""

from __future__ import annotations

from django.db.models import Q

from imports.plans import ImportPlan, PlannedRow


class Importer:
    """One kind of import. Subclasses set ``kind`` and ``title`` and implement the methods."""

    kind: str = ""
    title = ""
    #: Refuse to apply a plan with any row in error (finance's structure is never half-imported).
    all_or_nothing: bool = True

    def can_import(self, user) -> bool:
        raise NotImplementedError

    def job_scope(self, user) -> Q:
        """Which of this kind's jobs ``user`` sees, among those who may import it (all of them by default)."""
        return Q()

    def template_columns(self) -> list[str]:
        """The headers of the empty file to fill in, in the active language (no template when empty)."""
        return []

    def clean_options(self, mapping, *, by) -> dict:
        """JSON options kept with the job from the upload's ``mapping``; raises ``ValidationError``."""
        return {}

    def plan(self, *, content: bytes, file_name: str, options: dict, read_limits: dict) -> ImportPlan:
        """What importing the file would do; raises ``ValidationError`` for a file that cannot be read at all."""
        raise NotImplementedError

    def apply(self, *, job, rows: list[PlannedRow], by) -> dict:
        """Write the stored plan's actionable rows (called inside a transaction); returns counts."""
        raise NotImplementedError

    def result_url(self, job) -> str:
        """Where the browser goes once the job is applied."""
        return ""


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _importers[importer.kind] = importer


def get_importer(kind: str) -> Importer | None:
    return _importers.get(kind)


def importers() -> dict[str, Importer]:
    return dict(_importers)


def kinds_for(user) -> list[str]:
    """The kinds ``user`` may import (and therefore see the jobs of)."""
    return [kind for kind, importer in _importers.items() if importer.can_import(user)]
