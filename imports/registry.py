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
from django.utils.translation import gettext as _

from imports.plans import ImportPlan, PlannedRow


class Importer:
    """One kind of import. Subclasses set ``kind`` and ``title`` and implement the methods."""

    kind: str = ""
    title = ""
    #: The browser pages (kinds with a mapping step, :mod:`imports.views`): the upload page's heading, the
    #: paragraphs under it (``%(columns)s`` is the template's headers), and the section whose kinds share tabs.
    upload_title = ""
    upload_help: tuple = ()
    section = ""
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
        """Write the stored plan's actionable rows (called inside a transaction); returns counts.

        An importer that can be undone records what it wrote in
        ``job.result["written"]`` (the engine saves ``job.result`` with the
        counts returned here)::

            {"created": {"app_label.model": [ids]},
             "updated": {"app_label.model": {"<id>": {field: previous value as JSON}}}}
        """
        raise NotImplementedError

    # --- the column-mapping step (docs/IMPORTS.md): importers of model rows name their columns by key ---

    def column_choices(self) -> list[tuple[str, str]]:
        """The columns a file's header may be mapped to, ``(key, header in the active language)``.

        Empty (the default): the kind has no mapping step, the file is handed
        to :meth:`plan` as it is and ``mapping`` means what
        :meth:`clean_options` says (the accounting import's source).
        """
        return []

    def column_of(self, header: str) -> str | None:
        """The key a file's header stands for without a mapping (its key or header in either language)."""
        return None

    def plan_table(self, *, table, options: dict) -> ImportPlan:
        """The plan of a table whose mapped headers the engine renamed to keys (kinds with a mapping step)."""
        raise NotImplementedError

    # --- undo of the last import (docs/IMPORTS.md) ---

    def undo_objections(self, job) -> list[str]:
        """Translated reasons why ``job`` (applied) cannot be undone now; empty when it may be."""
        return [_("This kind of import cannot be undone.")]

    def undo(self, *, job, by) -> dict:
        """Take back what ``job`` wrote (``job.result["written"]``), with history; returns counts.

        Called by :func:`imports.services.import_job_undo` inside its
        transaction, with the job row locked and only when
        :meth:`undo_objections` had none.
        """
        raise NotImplementedError

    def result_url(self, job) -> str:
        """Where the browser goes once the job is applied (``job`` None: where the upload page's Cancel goes)."""
        return ""


class ColumnsImporter(Importer):
    """An importer of model rows whose columns are an :class:`imports.columns.Columns` (``self.columns``).

    Its template's headers, the mapping step's choices and the headers it
    knows without a mapping all come from those columns.
    """

    columns = None

    def template_columns(self) -> list[str]:
        return self.columns.headers()

    def column_choices(self) -> list[tuple[str, str]]:
        return [(key, self.columns.header_for(key)) for key in self.columns]

    def column_of(self, header: str) -> str | None:
        return self.columns.key_of(header)


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
