"""The approvals state machine (PRODUCT.md §5): stages, modes, outcomes and the rules of who decides."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals.choices import RequestStatus, StageMode, StageStatus
from approvals.models import ApprovalRequest, Decision, ImmutableRecord, StageState
from approvals.services import (
    approval_cancel,
    approval_comment,
    approval_confirm_needed,
    approval_decide,
    approval_submit,
    delegation_create,
)
from approvals.sla import add_working_days
from mrm.exceptions import StateConflict
from notifications.models import Notification
from tests.approvals.conftest import KIND
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import TeamFactory, UserFactory


def stage_statuses(request):
    return list(request.stage_states.order_by("order").values_list("status", flat=True))


# --- submit --------------------------------------------------------------------------------


def test_submitting_opens_the_first_stage_and_tells_its_approvers(submit, legal, marketer):
    # when the marketer submits
    request = submit()
    # then the request is in progress at the first stage, which alone has started
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.current_stage.name == "Legal"
    assert stage_statuses(request) == [StageStatus.IN_PROGRESS, StageStatus.WAITING]
    assert list(request.current_stage.assignments.values_list("user_id", flat=True)) == [legal.pk]
    assert request.due_at == request.current_stage.due_at
    assert request.subject_version == "v1"
    # and legal is told a request waits for them
    notice = Notification.objects.get(recipient=legal)
    assert notice.kind == "request_submitted"
    assert notice.url == request.get_absolute_url()
    assert not Notification.objects.filter(recipient=marketer).exists()


def test_a_second_open_request_for_the_same_subject_is_a_conflict(open_request, submit):
    # when the same subject is submitted again while open
    with pytest.raises(StateConflict):
        submit()
    # then there is still exactly one request
    assert ApprovalRequest.objects.count() == 1


def test_the_database_holds_one_open_request_per_subject(open_request):
    # when a second open row is forced past the service
    duplicate = ApprovalRequest(
        template=open_request.template,
        subject_kind=KIND,
        content_type=open_request.content_type,
        object_id=open_request.object_id,
        subject_title="dup",
        submitted_by=open_request.submitted_by,
    )
    # then the conditional unique constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_submitting_without_an_active_template_is_refused(subjects, marketer, team):
    with pytest.raises(StateConflict):
        approval_submit(subject=team, kind=KIND, by=marketer)
    assert not ApprovalRequest.objects.exists()


def test_sla_counts_working_days_only():
    friday = dt.datetime(2027, 3, 5, 10, 0)
    saturday = dt.datetime(2027, 3, 6, 10, 0)
    assert add_working_days(friday, 1) == dt.datetime(2027, 3, 8, 10, 0)  # Monday
    assert add_working_days(friday, 3) == dt.datetime(2027, 3, 10, 10, 0)  # Wednesday
    assert add_working_days(saturday, 1) == dt.datetime(2027, 3, 9, 10, 0)  # Tuesday


# --- any / all / outcomes ------------------------------------------------------------------------


def test_any_stage_completes_on_first_approve_and_the_last_approves_the_request(
    open_request, subjects, legal, approver
):
    # when legal approves, then the CMO
    approval_decide(request=open_request, by=legal, outcome="approve", note="Fine by legal")
    open_request.refresh_from_db()
    # then the CMO stage has started
    assert stage_statuses(open_request) == [StageStatus.APPROVED, StageStatus.IN_PROGRESS]
    assert open_request.current_stage.name == "CMO"
    approval_decide(request=open_request, by=approver, outcome="approve")
    open_request.refresh_from_db()
    # then the request is approved and closed, and the subject's app heard of it
    assert open_request.status == RequestStatus.APPROVED
    assert open_request.closed_at is not None
    assert open_request.current_stage is None
    assert stage_statuses(open_request) == [StageStatus.APPROVED, StageStatus.APPROVED]
    assert subjects.calls == [("approved", open_request.pk, None)]


def test_all_stage_waits_for_every_assigned_approver(subjects, marketer, team, legal, approver):
    # given one stage where both must approve
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    # when legal approves
    approval_decide(request=request, by=legal, outcome="approve")
    request.refresh_from_db()
    # then the stage still waits for the CMO
    assert request.status == RequestStatus.IN_PROGRESS
    assert stage_statuses(request) == [StageStatus.IN_PROGRESS]
    assert subjects.calls == []
    # when the CMO approves too, then it is approved
    approval_decide(request=request, by=approver, outcome="approve")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert subjects.calls == [("approved", request.pk, None)]


def test_reject_ends_the_request_and_cancels_later_stages(open_request, subjects, legal):
    approval_decide(request=open_request, by=legal, outcome="reject", note="Trademark issue")
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.REJECTED
    assert stage_statuses(open_request) == [StageStatus.REJECTED, StageStatus.CANCELLED]
    assert subjects.calls == [("rejected", open_request.pk)]


def test_request_changes_returns_it_and_a_resubmission_restarts_with_history_kept(
    open_request, subjects, legal, submit
):
    # when legal asks for changes
    approval_decide(request=open_request, by=legal, outcome="request_changes", note="Logo too small")
    open_request.refresh_from_db()
    # then the request goes back to the submitter
    assert open_request.status == RequestStatus.CHANGES_REQUESTED
    assert subjects.calls == [("changes_requested", open_request.pk)]
    # when the subject is submitted again (the new version)
    subjects.describe_version = "v2"
    second = submit()
    # then a new request starts at the first stage, and the earlier decision stays on record
    assert second.pk != open_request.pk
    assert second.current_stage.order == 1
    assert Decision.objects.filter(request=open_request, outcome="request_changes", subject_version="v1").exists()


# --- who decides --------------------------------------------------------------------------------


def test_the_submitter_never_decides_their_own_request(subjects, team, legal, approver):
    # given legal submits a request whose first stage names legal and the CMO
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=legal)
    # then legal is left out of the stage's approvers (segregation of duties)
    assert list(request.current_stage.assignments.values_list("user_id", flat=True)) == [approver.pk]
    # and deciding is refused
    with pytest.raises(PermissionDenied):
        approval_decide(request=request, by=legal, outcome="approve")
    assert not Decision.objects.exists()


def test_a_stage_naming_only_the_submitter_cannot_start(subjects, team, legal):
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, approvers=[legal])
    with pytest.raises(ValidationError):
        approval_submit(subject=team, kind=KIND, by=legal)
    assert not ApprovalRequest.objects.exists()


def test_a_non_approver_cannot_decide(open_request, approver, finance_user):
    # the CMO's stage has not started yet, and finance is no approver at all
    for outsider in (approver, finance_user):
        with pytest.raises(PermissionDenied):
            approval_decide(request=open_request, by=outsider, outcome="approve")
    assert not Decision.objects.exists()


def test_a_second_decision_by_the_same_person_is_a_conflict(subjects, team, marketer, legal, approver):
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    approval_decide(request=request, by=legal, outcome="approve")
    with pytest.raises(StateConflict):
        approval_decide(request=request, by=legal, outcome="reject")
    assert Decision.objects.count() == 1


def test_a_decision_on_a_closed_request_is_a_conflict(open_request, legal, approver):
    approval_decide(request=open_request, by=legal, outcome="reject")
    with pytest.raises(StateConflict):
        approval_decide(request=open_request, by=approver, outcome="approve")
    assert Decision.objects.count() == 1


def test_an_unknown_outcome_is_a_validation_error(open_request, legal):
    with pytest.raises(ValidationError):
        approval_decide(request=open_request, by=legal, outcome="maybe")
    assert not Decision.objects.exists()


def test_group_approvers_are_fixed_when_the_stage_starts(subjects, team, marketer):
    # given a stage approved by the members of a group
    reviewers = Group.objects.create(name="Brand reviewers")
    first = UserFactory(username="rev1")
    first.groups.add(reviewers)
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, groups=[reviewers])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    # when someone joins the group after the stage started
    latecomer = UserFactory(username="rev2")
    latecomer.groups.add(reviewers)
    # then they are no approver of the running stage, and the first member alone completes it
    with pytest.raises(PermissionDenied):
        approval_decide(request=request, by=latecomer, outcome="approve")
    approval_decide(request=request, by=first, outcome="approve")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_an_amount_condition_adds_a_stage_only_above_it(subjects, team, other_team, marketer, legal, approver):
    # given finance first, then the CMO only above 100 000
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, name="Finance", approvers=[legal])
    StageFactory(template=workflow, order=2, name="CMO", approvers=[approver], min_amount=Decimal("100000"))
    subjects.amounts[team.pk] = Decimal("50000.00")
    subjects.amounts[other_team.pk] = Decimal("250000.00")
    small = approval_submit(subject=team, kind=KIND, by=marketer)
    big = approval_submit(subject=other_team, kind=KIND, by=marketer)
    assert list(small.stage_states.values_list("name", flat=True)) == ["Finance"]
    assert list(big.stage_states.values_list("name", flat=True)) == ["Finance", "CMO"]


def test_approved_amount_reaches_the_handler_as_the_lowest_approved(subjects, submit, legal, approver):
    request = submit(amount="120000.00")
    approval_decide(request=request, by=legal, outcome="approve", approved_amount="90000.00", note="Print run halved.")
    approval_decide(request=request, by=approver, outcome="approve")
    assert subjects.calls == [("approved", request.pk, Decimal("90000.00"))]


def test_approving_less_than_asked_needs_a_note_saying_why(submit, legal):
    request = submit(amount="120000.00")
    with pytest.raises(ValidationError) as refused:
        approval_decide(request=request, by=legal, outcome="approve", approved_amount="90000.00", note="  ")
    assert "Say why you approve less" in refused.value.message_dict["note"][0]
    assert not Decision.objects.exists()
    # approving the whole amount needs no note
    approval_decide(request=request, by=legal, outcome="approve", approved_amount="120000.00")
    assert Decision.objects.count() == 1


@pytest.mark.parametrize(
    "outcome, amount",
    [("approve", "130000.00"), ("reject", "100.00"), ("approve", "-1"), ("approve", "abc"), ("approve", "1.001")],
)
def test_a_wrong_approved_amount_is_refused(submit, legal, outcome, amount):
    request = submit(amount="120000.00")
    with pytest.raises(ValidationError):
        approval_decide(request=request, by=legal, outcome=outcome, approved_amount=amount)
    assert not Decision.objects.exists()


# --- decisions are immutable, comments move nothing ---------------------------------------------


def test_decisions_cannot_be_changed_or_deleted(open_request, legal):
    decision = approval_decide(request=open_request, by=legal, outcome="approve", note="ok")
    decision.note = "changed"
    with pytest.raises(ImmutableRecord):
        decision.save()
    with pytest.raises(ImmutableRecord):
        decision.delete()
    with pytest.raises(ImmutableRecord):
        Decision.objects.filter(pk=decision.pk).update(note="changed")
    with pytest.raises(ImmutableRecord):
        Decision.objects.filter(pk=decision.pk).delete()
    assert Decision.objects.get(pk=decision.pk).note == "ok"


def test_the_database_holds_one_decision_per_approver_and_stage(open_request, legal):
    decision = approval_decide(request=open_request, by=legal, outcome="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(request=open_request, stage_state=decision.stage_state, decider=legal, outcome="reject")


def test_a_comment_never_changes_any_status(open_request, legal, approver, marketer):
    before = (open_request.status, stage_statuses(open_request))
    for author in (legal, approver, marketer):
        approval_comment(request=open_request, by=author, body="I would approve this, but wait for legal")
    open_request.refresh_from_db()
    assert (open_request.status, stage_statuses(open_request)) == before
    assert not Decision.objects.exists()
    assert open_request.comments.count() == 3


def test_a_comment_can_be_pinned_to_a_point_of_the_preview(open_request, legal):
    comment = approval_comment(request=open_request, by=legal, body="Logo", page=2, x="0.25", y=0.75)
    assert (comment.page, comment.x, comment.y, comment.is_pinned) == (2, 0.25, 0.75, True)
    with pytest.raises(ValidationError):
        approval_comment(request=open_request, by=legal, body="Off the page", x=1.5, y=0.1)
    with pytest.raises(ValidationError):
        approval_comment(request=open_request, by=legal, body="Half a point", x=0.5)
    with pytest.raises(ValidationError):
        approval_comment(request=open_request, by=legal, body="   ")
    assert open_request.comments.count() == 1


# --- delegation -------------------------------------------------------------------------------


def test_a_stand_in_decides_during_the_period_and_both_names_are_recorded(open_request, legal):
    # given legal named a stand-in for this week
    stand_in = UserFactory(username="deputy", roles=["approver"])
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=stand_in, starts_on=today, ends_on=today + dt.timedelta(days=5))
    # then the request waits on the stand-in too
    assert list(ApprovalRequest.objects.pending_for(stand_in)) == [open_request]
    assert ApprovalRequest.objects.visible_to(stand_in).filter(pk=open_request.pk).exists()
    # when the stand-in approves
    decision = approval_decide(request=open_request, by=stand_in, outcome="approve")
    # then the decision records both, and legal's stage is done
    assert (decision.decider, decision.on_behalf_of) == (stand_in, legal)
    assert not ApprovalRequest.objects.pending_for(legal).exists()
    open_request.refresh_from_db()
    assert open_request.current_stage.name == "CMO"


def test_an_approver_whose_stand_in_decided_cannot_decide_again(subjects, team, marketer, legal, approver):
    # given a stage both must approve, and legal's stand-in approved for legal
    workflow = WorkflowTemplateFactory(subject_kind=KIND)
    StageFactory(template=workflow, order=1, mode=StageMode.ALL, approvers=[legal, approver])
    request = approval_submit(subject=team, kind=KIND, by=marketer)
    stand_in = UserFactory(username="deputy", roles=["approver"])
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=stand_in, starts_on=today, ends_on=today)
    approval_decide(request=request, by=stand_in, outcome="approve")
    # when legal, back early, decides too: then it is a conflict and the stage still waits for the CMO
    with pytest.raises(StateConflict):
        approval_decide(request=request, by=legal, outcome="reject")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert list(ApprovalRequest.objects.pending_for(approver)) == [request]


def test_a_stand_in_outside_the_period_cannot_decide(open_request, legal):
    stand_in = UserFactory(username="deputy", roles=["approver"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    delegation_create(by=legal, stand_in=stand_in, starts_on=tomorrow, ends_on=tomorrow + dt.timedelta(days=3))
    assert not ApprovalRequest.objects.pending_for(stand_in).exists()
    with pytest.raises(PermissionDenied):
        approval_decide(request=open_request, by=stand_in, outcome="approve")


@pytest.mark.parametrize("shift", [(0, -1), (-5, -2)])
def test_a_wrong_delegation_period_is_refused(legal, shift):
    stand_in = UserFactory(username="deputy")
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        delegation_create(
            by=legal,
            stand_in=stand_in,
            starts_on=today + dt.timedelta(days=shift[0]),
            ends_on=today + dt.timedelta(days=shift[1]),
        )


def test_delegations_of_one_approver_do_not_overlap_nor_point_to_themselves(legal):
    stand_in = UserFactory(username="deputy")
    today = timezone.localdate()
    delegation_create(by=legal, stand_in=stand_in, starts_on=today, ends_on=today + dt.timedelta(days=5))
    with pytest.raises(ValidationError):
        delegation_create(
            by=legal, stand_in=stand_in, starts_on=today + dt.timedelta(days=2), ends_on=today + dt.timedelta(days=9)
        )
    with pytest.raises(ValidationError):
        delegation_create(
            by=legal, stand_in=legal, starts_on=today + dt.timedelta(days=7), ends_on=today + dt.timedelta(days=9)
        )


# --- visibility, pending, cancel -------------------------------------------------------------


def test_who_sees_a_request(
    open_request, marketer, legal, approver, admin_user, other_team_marketer, finance_user, team
):
    teammate = UserFactory(username="teammate", roles=["marketer"], teams=[team])
    visible = {
        user.username: ApprovalRequest.objects.visible_to(user).filter(pk=open_request.pk).exists()
        for user in (marketer, legal, approver, admin_user, teammate, other_team_marketer, finance_user)
    }
    # the submitter, the assigned approver, the CMO named on the stage to come, an admin and who
    # may see the subject; finance and another team see nothing
    assert visible == {
        "marketer": True,
        "legal": True,
        "cmo": True,
        "admin": True,
        "teammate": True,
        "events-marketer": False,
        "finance": False,
    }


def test_pending_for_lists_what_waits_on_me_oldest_first(subjects, template, marketer, legal, approver):
    first = approval_submit(subject=TeamFactory(name="A"), kind=KIND, by=marketer)
    second = approval_submit(subject=TeamFactory(name="B"), kind=KIND, by=marketer)
    assert list(ApprovalRequest.objects.pending_for(legal).order_by("submitted_at", "pk")) == [first, second]
    assert not ApprovalRequest.objects.pending_for(approver).exists()
    assert not ApprovalRequest.objects.pending_for(marketer).exists()
    approval_decide(request=first, by=legal, outcome="approve")
    assert list(ApprovalRequest.objects.pending_for(legal)) == [second]
    assert list(ApprovalRequest.objects.pending_for(approver)) == [first]


def test_the_submitter_withdraws_an_open_request(open_request, subjects, marketer, legal):
    with pytest.raises(PermissionDenied):
        approval_cancel(request=open_request, by=legal)
    approval_cancel(request=open_request, by=marketer, note="Campaign dropped")
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.CANCELLED
    assert stage_statuses(open_request) == [StageStatus.CANCELLED, StageStatus.CANCELLED]
    assert subjects.calls == [("cancelled", open_request.pk)]
    with pytest.raises(StateConflict):
        approval_cancel(request=open_request, by=marketer)


def test_only_the_submitter_confirms_a_request_is_still_needed(open_request, marketer, legal):
    with pytest.raises(PermissionDenied):
        approval_confirm_needed(request=open_request, by=legal, note="yes")
    with pytest.raises(ValidationError):
        approval_confirm_needed(request=open_request, by=marketer, note="  ")
    approval_confirm_needed(request=open_request, by=marketer, note="Launch moved to May")
    open_request.refresh_from_db()
    assert open_request.stale_confirmation == "Launch moved to May"
    assert StageState.objects.filter(request=open_request, status="in_progress").count() == 1


def test_history_records_who_moved_the_request(open_request, legal, marketer):
    approval_decide(request=open_request, by=legal, outcome="reject")
    users = list(open_request.history.order_by("history_date").values_list("history_user__username", flat=True))
    assert users[0] == marketer.username
    assert users[-1] == legal.username


def test_subject_apps_can_ask_which_open_subjects_a_user_approves(open_request, legal, approver, team):
    ids = ApprovalRequest.objects.open_subject_ids_for_approver
    assert list(ids(legal, KIND).values_list("object_id", flat=True)) == [team.pk]
    assert not ids(approver, KIND).exists()  # the CMO's stage has not started
    approval_decide(request=open_request, by=legal, outcome="reject")
    assert not ids(legal, KIND).exists()  # closed: no longer grants anything


def test_demo_templates_are_seeded_idempotently(db):
    import io

    from accounts import demo as accounts_demo
    from approvals import demo
    from approvals.models import WorkflowTemplate

    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    kinds = dict(WorkflowTemplate.objects.values_list("subject_kind", "name"))
    assert set(kinds) == {"material_version", "funding_request", "campaign_launch"}
    material = WorkflowTemplate.objects.get(subject_kind="material_version")
    assert list(material.stages.values_list("name", flat=True)) == ["Brand", "Legal", "CMO"]
    funding = WorkflowTemplate.objects.get(subject_kind="funding_request")
    assert funding.stages.get(name="CMO").min_amount == Decimal("500000.00")
    assert list(funding.stages.get(name="Finance review").approver_groups.values_list("name", flat=True)) == ["finance"]
