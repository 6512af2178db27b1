"""Materials for tests, made through the services (validated, stored, previews generated)."""

from __future__ import annotations

from approvals.choices import SubjectKind
from materials import services
from materials.choices import MaterialKind
from materials.models import Material
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.campaigns.factories import CampaignFactory
from tests.materials.samples import pdf_upload, png_upload


def make_material(
    *, by, campaign=None, title="Spring banner", kind=MaterialKind.IMAGE, file="png", previews=True
) -> Material:
    """A material with one version uploaded by ``by``; previews generated at once (as the task does after commit)."""
    campaign = campaign or CampaignFactory(team=by.memberships.first().team, owner=by)
    upload = {"png": png_upload, "pdf": pdf_upload}[file]() if file else None
    material = services.material_create(campaign=campaign, title=title, kind=kind, by=by, file=upload)
    if previews and material.latest_version_id:
        services.version_previews_generate(version_id=material.latest_version_id)
    material.refresh_from_db()
    return material


def material_workflow(*stages):
    """An active material-version template whose stages name the given approvers, in order."""
    template = WorkflowTemplateFactory(name="Material review", subject_kind=SubjectKind.MATERIAL_VERSION)
    for order, approver in enumerate(stages, start=1):
        StageFactory(template=template, order=order, name=f"Stage {order}", approvers=[approver])
    return template
