"""Demo materials (idempotent, reviews in several states) and the Django admin pages."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest, Comment, Decision
from materials import demo
from materials.choices import PreviewStatus, ReviewStatus
from materials.models import Material, MaterialVersion

pytestmark = pytest.mark.django_db


def test_demo_materials_are_complete_and_idempotent():
    from accounts import demo as accounts_demo
    from approvals import demo as approvals_demo
    from campaigns import demo as campaigns_demo

    accounts_demo.seed(io.StringIO())
    approvals_demo.seed(io.StringIO())
    campaigns_demo.seed(io.StringIO())
    # when the materials demo runs twice
    demo.seed(io.StringIO())
    counts = (Material.objects.count(), MaterialVersion.objects.count(), ApprovalRequest.objects.count())
    demo.seed(io.StringIO())
    # then nothing is duplicated
    assert (Material.objects.count(), MaterialVersion.objects.count(), ApprovalRequest.objects.count()) == counts
    assert counts[:2] == (3, 4)
    statuses = dict(Material.objects.values_list("title", "status"))
    assert statuses == {
        "Spring key visual": ReviewStatus.APPROVED,
        "Product leaflet": ReviewStatus.IN_REVIEW,
        "Newsletter header": ReviewStatus.IN_REVIEW,
    }
    # every version has its previews: the PDF one per page
    leaflet = Material.objects.get(title="Product leaflet")
    assert {v.preview_status for v in MaterialVersion.objects.all()} == {PreviewStatus.READY}
    assert leaflet.latest_version.page_count == 2
    # the leaflet's v1 was sent back with pinned comments, v2 restarted the workflow
    requests = ApprovalRequest.objects.filter(
        subject_kind="material_version", object_id__in=leaflet.versions.values("pk")
    ).order_by("submitted_at")
    assert [(r.subject_version, r.status) for r in requests] == [
        ("v1", RequestStatus.CHANGES_REQUESTED),
        ("v2", RequestStatus.IN_PROGRESS),
    ]
    assert Comment.objects.filter(page=2, x__isnull=False).count() == 1
    assert Decision.objects.filter(request=requests[0], outcome="request_changes", subject_version="v1").exists()
    # the newsletter header waits on the CMO, overdue
    header = ApprovalRequest.objects.get(subject_title="Newsletter header — v1")
    assert header.current_stage.name == "CMO"
    assert header.due_at < timezone.now()
    assert header.pk in ApprovalRequest.objects.pending_for(header.current_stage.assignments.get().user).values_list(
        "pk", flat=True
    )


def test_admin_lists_and_searches_materials(client, admin_user, image_material):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get(reverse("admin:materials_material_changelist") + "?q=Spring").status_code == 200
    assert client.get(reverse("admin:materials_material_change", args=[image_material.pk])).status_code == 200
    assert client.get(reverse("admin:materials_materialversion_changelist") + "?q=banner").status_code == 200
    assert (
        client.get(
            reverse("admin:materials_materialversion_change", args=[image_material.latest_version_id])
        ).status_code
        == 200
    )
