"""Permission matrix rows of the import engine's own routes: templates to fill in, the browser pages (issue 17.1)."""

from django.core.files.base import ContentFile

from imports.choices import JobStatus
from imports.models import ImportJob, ImportRow
from tests.support.matrix import FORBIDDEN, NOT_FOUND, Resource, Route, only

#: Who may import expenses (the importer's rule, PRODUCT.md §2): finance and admins, marketers with a team.
SPEND_IMPORTERS = only("marketer", "admin", "other_team", "finance")


def expenses_import(world):
    """An expenses import job of team A's marketer, read and ready to confirm, with its stored plan of one row."""
    marketer = world.users["marketer"]
    job = ImportJob(
        kind="expenses",
        status=JobStatus.READY,
        file_name="e.csv",
        sha256="0" * 64,
        header=["funding_request", "vendor", "amount", "date"],
        counts={"unchanged": 1},
        options={"uploaded_by": marketer.pk},
        created_by=marketer,
    )
    job.file.save("e.csv", ContentFile(b"funding_request,vendor,amount,date\nFR-1,V,1,2026-01-01\n"), save=False)
    job.save()
    ImportRow.objects.create(job=job, line=2, outcome="unchanged", label="FR-1 · V")
    return job


RESOURCES = [
    Resource(
        "import templates",
        {
            # who may import the kind downloads its template; finance may import, but not campaigns
            "GET /api/v1/imports/templates/{kind}/": Route(
                only("marketer", "admin", "other_team") | {"finance": FORBIDDEN}, kwargs={"kind": "campaigns"}
            ),
        },
    ),
    Resource(
        "imports in the browser: funding requests, expenses, commitments (and every kind with a mapping step)",
        {
            "imports:import_kind": Route(SPEND_IMPORTERS, kwargs={"kind": "expenses"}),
            "POST imports:import_kind": Route(SPEND_IMPORTERS, kwargs={"kind": "commitments"}),  # no file: a 400
            # a marketer sees the imports they uploaded (another team's marketer: a 404); finance and admins all
            "imports:import_preview": SPEND_IMPORTERS | {"other_team": NOT_FOUND},
            "POST imports:import_confirm": SPEND_IMPORTERS | {"other_team": NOT_FOUND},
            "imports:import_mapping": SPEND_IMPORTERS | {"other_team": NOT_FOUND},
            "POST imports:import_mapping": SPEND_IMPORTERS | {"other_team": NOT_FOUND},
            # a ready job cannot be undone: a 409 shown as a message
            "POST imports:import_undo": SPEND_IMPORTERS | {"other_team": NOT_FOUND},
        },
        obj=expenses_import,
    ),
]
