"""Review of materials (PRODUCT.md §5): submit, decisions, resubmission after requested changes."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals.choices import Outcome, RequestStatus, SubjectKind
from approvals.models import ApprovalRequest, Comment, Decision
from approvals.services import approval_cancel, approval_comment, approval_decide
from materials import services
from materials.choices import ReviewStatus
from mrm.exceptions import StateConflict
from tests.materials.samples import png_upload

pytestmark = pytest.mark.django_db


def test_submitting_opens_a_request_on_the_latest_version(material_in_review, legal):
    request = ApprovalRequest.objects.get()
    version = material_in_review.latest_version
    assert request.subject_kind == SubjectKind.MATERIAL_VERSION
    assert request.subject == version
    assert request.subject_title == "Spring banner — v1"
    assert request.subject_version == "v1"
    assert request.subject_url == f"/materials/versions/{version.pk}/"
    assert request.reason == "For the spring launch"
    assert material_in_review.status == ReviewStatus.IN_REVIEW
    assert ApprovalRequest.objects.pending_for(legal).get() == request


def test_a_second_submit_while_one_is_open_is_a_conflict(material_in_review, marketer):
    with pytest.raises(StateConflict):
        services.material_submit(material=material_in_review, by=marketer)
    assert ApprovalRequest.objects.count() == 1


def test_nothing_to_submit_without_a_file(marketer, workflow):
    from tests.materials.factories import make_material

    material = make_material(by=marketer, file=None)
    with pytest.raises(StateConflict, match="Upload a file first"):
        services.material_submit(material=material, by=marketer)


def test_only_the_campaign_teams_marketers_submit(image_material, other_team_marketer, approver, workflow):
    for person in (other_team_marketer, approver):
        with pytest.raises(PermissionDenied):
            services.material_submit(material=image_material, by=person)
    assert not ApprovalRequest.objects.exists()


def test_uploading_while_in_review_is_refused(material_in_review, marketer):
    with pytest.raises(StateConflict, match="v1 is under review"):
        services.material_version_upload(material=material_in_review, file=png_upload(), by=marketer)
    assert material_in_review.versions.count() == 1


def test_approval_of_every_stage_approves_the_version(material_in_review, legal, approver):
    request = ApprovalRequest.objects.get()
    approval_decide(request=request, by=legal, outcome=Outcome.APPROVE)
    approval_decide(request=request, by=approver, outcome=Outcome.APPROVE)
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.APPROVED
    assert material_in_review.latest_version.approved_at is not None
    # and an approved version is done: another submit is refused
    with pytest.raises(StateConflict, match="already decided"):
        services.material_submit(material=material_in_review, by=material_in_review.owner)


def test_a_new_version_after_requested_changes_restarts_the_workflow_and_v1_keeps_its_decisions(
    material_in_review, marketer, legal, approver
):
    # given legal approved v1, a pinned comment, then the CMO requested changes
    first = ApprovalRequest.objects.get()
    approval_decide(request=first, by=legal, outcome=Outcome.APPROVE, note="Wording fine")
    approval_comment(request=first, by=approver, body="Logo too small", page=1, x=0.2, y=0.3)
    approval_decide(request=first, by=approver, outcome=Outcome.REQUEST_CHANGES, note="Bigger logo")
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.CHANGES_REQUESTED

    # when the marketer uploads v2
    v2 = services.material_version_upload(material=material_in_review, file=png_upload(), by=marketer, note="Logo x2")

    # then v2 is submitted at once and the workflow starts again at its first stage
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.IN_REVIEW
    second = ApprovalRequest.objects.exclude(pk=first.pk).get()
    assert second.subject == v2
    assert second.subject_version == "v2"
    assert second.status == RequestStatus.IN_PROGRESS
    assert second.current_stage.order == 1
    assert second.reason == "Logo x2"
    assert ApprovalRequest.objects.pending_for(legal).get() == second
    # and v1's request keeps its decisions and comment, recorded against v1
    first.refresh_from_db()
    assert first.status == RequestStatus.CHANGES_REQUESTED
    assert list(Decision.objects.filter(request=first).values_list("outcome", "subject_version")) == [
        (Outcome.APPROVE, "v1"),
        (Outcome.REQUEST_CHANGES, "v1"),
    ]
    assert Comment.objects.get().subject_version == "v1"
    assert not Decision.objects.filter(request=second).exists()

    # when v2 is approved by both stages, v2 is approved and v1 is not
    approval_decide(request=second, by=legal, outcome=Outcome.APPROVE)
    approval_decide(request=second, by=approver, outcome=Outcome.APPROVE)
    material_in_review.refresh_from_db()
    v2.refresh_from_db()
    assert material_in_review.status == ReviewStatus.APPROVED
    assert v2.approved_at is not None
    assert material_in_review.versions.get(number=1).approved_at is None
    assert Decision.objects.filter(request=second, subject_version="v2").count() == 2


def test_rejection_and_withdrawal_show_on_the_material(material_in_review, marketer, legal):
    request = ApprovalRequest.objects.get()
    approval_cancel(request=request, by=marketer, note="Wrong file")
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.WITHDRAWN
    # a withdrawn version may be submitted again
    again = services.material_submit(material=material_in_review, by=marketer, reason="Right file after all")
    approval_decide(request=again, by=legal, outcome=Outcome.REJECT, note="Off brand")
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.REJECTED
    # a rejected version is done: a new one is uploaded (not resubmitted automatically), then submitted
    with pytest.raises(StateConflict):
        services.material_submit(material=material_in_review, by=marketer)
    services.material_version_upload(material=material_in_review, file=png_upload(), by=marketer)
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.DRAFT
    services.material_submit(material=material_in_review, by=marketer)
    assert ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS).get().subject_version == "v2"


def test_history_keeps_every_change_of_a_material(material_in_review):
    statuses = list(material_in_review.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-1] == ReviewStatus.IN_REVIEW
    assert ReviewStatus.DRAFT in statuses
    assert material_in_review.latest_version.history.count() == 1
