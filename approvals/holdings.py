"""What a user holds in the approvals engine, and how a handover moves it (PRODUCT.md §7).

Registered with :mod:`accounts.holdings` in ``ApprovalsConfig.ready()``:

- open stages where the user is an assigned approver who has not decided yet
  (directly: group members are expanded into assignments when a stage starts);
- current and future delegations where the user is the stand-in;
- open approval requests the user submitted (they answer the approvers);
- stages of active workflow templates naming the user as approver or
  escalation contact (otherwise future requests would find nobody to ask).

Segregation of duties (§2) holds through a handover: nobody takes over a
stage of a request they submitted, nor a request on whose open stage they
approve. Stage assignments have no history table of their own, so each move
is recorded in the history of its stage (author, time and a reason naming
both people).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.holdings import register_holdings_provider
from accounts.messages import handed_over_reason, handover_reason
from approvals import messages, notices
from approvals.choices import RequestStatus, StageMode, StageStatus
from approvals.models import ApprovalRequest, Delegation, Stage, StageAssignment
from notifications.services import notifications_resolve


def open_assignments():
    return StageAssignment.objects.filter(
        decided=False,
        stage_state__status=StageStatus.IN_PROGRESS,
        stage_state__request__status=RequestStatus.IN_PROGRESS,
    )


def _count_by(queryset, field: str, user_ids: list[int]) -> dict[int, int]:
    rows = queryset.filter(**{f"{field}__in": user_ids}).order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


# --- open stages -------------------------------------------------------------------------------


def held_stages(user) -> list[ApprovalRequest]:
    """The open requests waiting on the user's decision, one entry per open stage."""
    assignments = open_assignments().filter(user=user).select_related("stage_state__request").order_by("pk")
    return [assignment.stage_state.request for assignment in assignments]


def reassign_stages(from_user, to_user, by) -> int:
    """Put ``to_user`` in ``from_user``'s place on every open stage, recorded in the stage's history."""
    request_ids = list(open_assignments().filter(user=from_user).values_list("stage_state__request_id", flat=True))
    # Lock the requests first: a decision locks its request too, so the two never interleave.
    requests = {r.pk: r for r in ApprovalRequest.objects.select_for_update().filter(pk__in=request_ids).order_by("pk")}
    moved = 0
    for assignment in open_assignments().filter(user=from_user).select_related("stage_state").order_by("pk"):
        state = assignment.stage_state
        request = requests[state.request_id]
        if request.submitted_by_id == to_user.pk:
            raise ValidationError(
                _(
                    "%(user)s submitted “%(subject)s” and cannot approve it (segregation of duties): "
                    "choose someone else for the open approval stages."
                )
                % {"user": to_user.full_name, "subject": request.subject_title}
            )
        existing = StageAssignment.objects.filter(stage_state=state, user=to_user).first()
        if existing is None:
            StageAssignment.objects.filter(pk=assignment.pk).update(user=to_user)
        else:
            assignment.delete()
            if state.mode == StageMode.ALL and not state.assignments.filter(decided=False).exists():
                raise ValidationError(
                    _(
                        "%(user)s has already decided on the stage “%(stage)s” of “%(subject)s”: choose someone "
                        "else for the open approval stages."
                    )
                    % {"user": to_user.full_name, "stage": state.name, "subject": request.subject_title}
                )
        state._history_user = by
        state._change_reason = handed_over_reason(from_user, to_user)
        state.save(update_fields=["status"])
        # The leaving approver's (and their stand-ins') notices for the stage no longer wait on them.
        notices.refresh_stage(state, reason=messages.RESOLVED_HANDED_OVER, params={"who": to_user.full_name})
        moved += 1
    return moved


# --- stand-ins ---------------------------------------------------------------------------------


def held_stand_ins():
    return Delegation.objects.filter(ends_on__gte=timezone.localdate())


def reassign_stand_ins(from_user, to_user, by) -> int:
    """Make ``to_user`` the stand-in of the user's current and future delegations."""
    moved = 0
    approvers = []
    for delegation in held_stand_ins().select_for_update().filter(stand_in=from_user).order_by("pk"):
        if delegation.approver_id == to_user.pk:
            raise ValidationError(
                _("%(user)s cannot stand in for themselves: choose someone else for the delegations.")
                % {"user": to_user.full_name}
            )
        delegation.stand_in = to_user
        delegation._history_user = by
        delegation._change_reason = handover_reason(from_user)
        delegation.save(update_fields=["stand_in"])
        approvers.append(delegation.approver_id)
        moved += 1
    if approvers:
        notices.refresh_stages_of(approvers, reason=messages.RESOLVED_HANDED_OVER, params={"who": to_user.full_name})
    return moved


# --- requests submitted ------------------------------------------------------------------------


def open_requests():
    return ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS)


def reassign_submitted(from_user, to_user, by) -> int:
    """Make ``to_user`` the submitter of the user's open requests, unless they approve one of them."""
    moved = 0
    for request in open_requests().select_for_update().filter(submitted_by=from_user).order_by("pk"):
        if StageAssignment.objects.filter(
            stage_state_id=request.current_stage_id, user=to_user, decided=False
        ).exists():
            raise ValidationError(
                _(
                    "%(user)s approves “%(subject)s” and cannot also be its submitter (segregation of duties): "
                    "choose someone else for the approval requests."
                )
                % {"user": to_user.full_name, "subject": request.subject_title}
            )
        request.submitted_by = to_user
        request._history_user = by
        request._change_reason = handover_reason(from_user)
        request.save(update_fields=["submitted_by"])
        # A "still needed?" question to the leaver is now the new submitter's to answer.
        notifications_resolve(
            subject_key=notices.request_key(request.pk),
            reason=messages.RESOLVED_HANDED_OVER,
            params={"who": to_user.full_name},
            recipients=[from_user.pk],
        )
        moved += 1
    return moved


# --- workflow template stages -------------------------------------------------------------------


def template_stages_of(user):
    return (
        Stage.objects.filter(template__is_active=True)
        .filter(Q(approvers=user) | Q(escalation_contact=user))
        .select_related("template")
        .distinct()
        .order_by("template__name", "order")
    )


def count_template_stages(user_ids: list[int]) -> dict[int, int]:
    """Stages per user, each stage once even when it names the user twice (approver and escalation contact)."""
    rows = (
        Stage.objects.filter(template__is_active=True)
        .filter(Q(approvers__in=user_ids) | Q(escalation_contact__in=user_ids))
        .values_list("pk", "approvers", "escalation_contact")
    )
    wanted = set(user_ids)
    pairs = {(user, pk) for pk, approver, contact in rows for user in (approver, contact) if user in wanted}
    counts: dict[int, int] = {}
    for user, _pk in pairs:
        counts[user] = counts.get(user, 0) + 1
    return counts


def reassign_template_stages(from_user, to_user, by) -> int:
    """Name ``to_user`` instead of ``from_user`` on active templates' stages, recorded in each stage's history."""
    ids = list(template_stages_of(from_user).values_list("pk", flat=True))
    moved = 0
    for stage in Stage.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if stage.approvers.filter(pk=from_user.pk).exists():
            stage.approvers.remove(from_user)
            stage.approvers.add(to_user)
        if stage.escalation_contact_id == from_user.pk:
            stage.escalation_contact = to_user
        stage._history_user = by
        stage._change_reason = handed_over_reason(from_user, to_user)
        stage.save()
        moved += 1
    return moved


def register() -> None:
    register_holdings_provider(
        "approvals.stages",
        gettext_lazy("Open approval stages"),
        held_stages,
        reassign=reassign_stages,
        counts=lambda ids: _count_by(open_assignments(), "user", ids),
        order=40,
    )
    register_holdings_provider(
        "approvals.stand_ins",
        gettext_lazy("Stand-in for approvers"),
        lambda user: held_stand_ins().filter(stand_in=user).select_related("approver", "stand_in").order_by("pk"),
        reassign=reassign_stand_ins,
        counts=lambda ids: _count_by(held_stand_ins(), "stand_in", ids),
        order=50,
    )
    register_holdings_provider(
        "approvals.submitted",
        gettext_lazy("Open approval requests submitted"),
        lambda user: open_requests().filter(submitted_by=user).order_by("pk"),
        reassign=reassign_submitted,
        counts=lambda ids: _count_by(open_requests(), "submitted_by", ids),
        order=60,
    )
    register_holdings_provider(
        "approvals.template_stages",
        gettext_lazy("Workflow stages naming them"),
        lambda user: [_TemplateStage(stage) for stage in template_stages_of(user)],
        reassign=reassign_template_stages,
        counts=count_template_stages,
        order=65,
    )


class _TemplateStage:
    """A template's stage as a holding item: "Funding · 1. Finance review", linked to the template."""

    def __init__(self, stage: Stage):
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.stage.template.name} · {self.stage}"

    def get_absolute_url(self) -> str:
        return self.stage.template.get_absolute_url()
