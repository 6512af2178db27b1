"""How materials take part in approvals (PRODUCT.md §5) and in confidential access (§2).

A material *version* is the subject of an approval request (kind
``material_version``): its label ("v3") goes with every decision and
comment, so earlier decisions stay on record against the version they were
made on. Approvers of a version's open request see its confidential campaign.
"""

from __future__ import annotations

from django.db.models import Q

from approvals.choices import SubjectKind
from approvals.registry import SubjectHandler, SubjectInfo, register_subject_handler
from campaigns.querysets import register_confidential_access


def describe(version) -> SubjectInfo:
    material = version.material
    return SubjectInfo(
        title=f"{material.title} — {version.label}",
        url=version.get_absolute_url(),
        team_ids=[material.campaign.team_id],
        version=version.label,
    )


def visible_ids(user):
    from materials.models import MaterialVersion

    return MaterialVersion.objects.visible_to(user).values("pk")


def scope_ids(scope):
    from materials.models import MaterialVersion

    return MaterialVersion.objects.in_scope(scope).values("pk")


def approvers_of_open_material_requests(user) -> Q:
    """Approvers of a material version's open request see its (confidential) campaign (§2)."""
    from approvals.models import ApprovalRequest
    from materials.models import MaterialVersion

    pending = ApprovalRequest.objects.open_subject_ids_for_approver(user, SubjectKind.MATERIAL_VERSION)
    return Q(pk__in=MaterialVersion.objects.filter(pk__in=pending).values("material__campaign_id"))


def register() -> None:
    from materials import services
    from materials.models import MaterialVersion

    register_subject_handler(
        SubjectHandler(
            kind=SubjectKind.MATERIAL_VERSION,
            model=MaterialVersion,
            describe=describe,
            visible_ids=visible_ids,
            scope_ids=scope_ids,
            on_approved=services.on_material_approved,
            on_rejected=services.on_material_rejected,
            on_changes_requested=services.on_material_changes_requested,
            on_cancelled=services.on_material_cancelled,
        )
    )
    register_confidential_access(approvers_of_open_material_requests)
