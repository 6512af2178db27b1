"""Every write of the approvals engine (PRODUCT.md §5).

``approval_decide`` is the one function that moves a request. It locks the
request row (``select_for_update``), so concurrent decisions on one stage
are serialised: the first completes it, the others find it closed and get a
409. Subject apps react through their registered handler, called inside the
same transaction. Notifications are written in the transaction too and
their e-mails leave after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import messages, notices, permissions
from approvals.choices import (
    OPEN_STAGE_STATUSES,
    Outcome,
    RequestStatus,
    StageStatus,
)
from approvals.models import (
    ApprovalRequest,
    Comment,
    Decision,
    Delegation,
    Stage,
    StageAssignment,
    StageState,
    WorkflowTemplate,
)
from approvals.registry import get_handler
from approvals.sla import add_working_days
from mrm.bounds import check_dates, parse_decimal
from mrm.exceptions import StateConflict
from notifications.choices import NotificationKind
from notifications.services import notify
from outbox.events import publish

NOTE_MAX = 4000


def active_template_for(kind: str) -> WorkflowTemplate | None:
    """The template that applies to a kind of subject, if one is configured and active.

    Subject apps ask this to know whether an approval is needed at all (e.g.
    a campaign launch needs one only where a launch template is configured).
    """
    return WorkflowTemplate.objects.active().filter(subject_kind=kind).first()


def _clean_text(value, *, field: str, required: bool = False, limit: int = NOTE_MAX) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return text


# --- stage start ------------------------------------------------------------------


def _expand_approvers(stage, submitter_id: int) -> list:
    """The stage's approvers now: its users plus active members of its groups, minus the submitter.

    Segregation of duties (§2): the submitter never approves their own
    request, so they are left out here rather than blocking an ``all`` stage.
    """
    User = get_user_model()
    ids = set(stage.approvers.filter(is_active=True).values_list("pk", flat=True))
    ids |= set(User.objects.filter(groups__in=stage.approver_groups.all(), is_active=True).values_list("pk", flat=True))
    ids.discard(submitter_id)
    if not ids and stage.escalation_contact_id and stage.escalation_contact_id != submitter_id:
        ids.add(stage.escalation_contact_id)
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _start_stage(state: StageState, *, now, actor) -> None:
    """Open a stage: fix its approvers, set its due time, tell the approvers (and their stand-ins)."""
    request = state.request
    approvers = _expand_approvers(state.stage, request.submitted_by_id)
    if not approvers:
        raise ValidationError(
            _("Nobody can approve the stage “%(stage)s”: it names no approver other than the submitter.")
            % {"stage": state.name}
        )
    StageAssignment.objects.bulk_create([StageAssignment(stage_state=state, user=user) for user in approvers])
    state.status = StageStatus.IN_PROGRESS
    state.started_at = now
    state.due_at = add_working_days(timezone.localtime(now), state.stage.sla_days)
    state.save(update_fields=["status", "started_at", "due_at"])
    request.current_stage = state
    request.due_at = state.due_at
    notices.tell_stage_started(state, approvers=approvers, actor=actor)


# --- submit ---------------------------------------------------------------------


@transaction.atomic
def approval_submit(
    *,
    subject,
    kind: str,
    by,
    reason: str = "",
    template: WorkflowTemplate | None = None,
    system_reason: str = "",
) -> ApprovalRequest:
    """Open an approval request for a subject under the kind's active template.

    Refuses with a 409 when the subject already has an open request (also
    held by a conditional unique constraint, for concurrent submits). Only
    stages whose condition fits the subject's amount are created; the first
    starts at once. The subject app decides *who* may submit; the engine
    insists only on an active user and a configured template.
    ``system_reason`` is a reason the subject app writes itself (an encoded
    message key, ``mrm.messages.note``), rendered in each reader's language.
    """
    if not getattr(by, "is_active", False):
        raise PermissionDenied(_("Only an active user can submit for approval."))
    handler = get_handler(kind)
    if not isinstance(subject, handler.model):
        raise TypeError(f"A {kind} subject must be a {handler.model.__name__}.")
    template = template or active_template_for(kind)
    if template is None:
        raise StateConflict(_("No active workflow template applies to this kind of subject. Ask an administrator."))
    if template.subject_kind != kind:
        raise ValidationError({"template": _("This template does not apply to this kind of subject.")})
    content_type = ContentType.objects.get_for_model(subject)
    if ApprovalRequest.objects.filter(
        content_type=content_type, object_id=subject.pk, status=RequestStatus.IN_PROGRESS
    ).exists():
        raise StateConflict(_("This subject already has an open approval request."))
    info = handler.describe(subject)
    stages = [stage for stage in template.stages.order_by("order", "pk") if stage.applies_to_amount(info.amount)]
    if not stages:
        raise StateConflict(_("The workflow template has no stage that applies. Ask an administrator."))
    now = timezone.now()
    request = ApprovalRequest(
        template=template,
        subject_kind=kind,
        content_type=content_type,
        object_id=subject.pk,
        subject_title=str(info.title)[:255],
        subject_url=info.url or "",
        subject_version=str(info.version or "")[:100],
        amount=info.amount,
        submitted_by=by,
        reason=system_reason or _clean_text(reason, field="reason"),
    )
    request._history_user = by
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise StateConflict(_("This subject already has an open approval request.")) from None
    states = StageState.objects.bulk_create(
        [
            StageState(request=request, stage=stage, order=position, name=stage.name, mode=stage.mode)
            for position, stage in enumerate(stages, start=1)
        ]
    )
    first = StageState.objects.select_related("stage", "request__submitted_by").get(pk=states[0].pk)
    first.request = request
    _start_stage(first, now=now, actor=by)
    request.save(update_fields=["current_stage", "due_at"])
    return request


# --- decide -----------------------------------------------------------------------


def _parse_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    amount = parse_decimal(value)  # ASCII digits only (mrm/bounds.py)
    if amount is None:
        raise ValidationError({"approved_amount": _("Enter an amount such as 1500.00.")})
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"approved_amount": _("Enter a positive amount with at most two decimals.")})
    return amount


def _close_rest(request: ApprovalRequest, *, now, status: str = StageStatus.CANCELLED) -> None:
    request.stage_states.filter(status__in=OPEN_STAGE_STATUSES).update(status=status, finished_at=now)


@transaction.atomic
def approval_decide(*, request: ApprovalRequest, by, outcome: str, note: str = "", approved_amount=None) -> Decision:
    """Record a decision on the open stage and move the request (PRODUCT.md §5).

    Rules, in order: the request and its stage must be open (else 409); the
    decider is never the submitter (segregation of duties, 403); the decider
    is an assigned approver of the open stage, or the stand-in of one during
    their delegation (403 otherwise); one decision per person and stage (409).
    Then: ``reject`` ends the request, ``request_changes`` returns it to the
    submitter, ``approve`` completes an ``any`` stage at once and an ``all``
    stage when every assigned approver approved; the last stage approved
    approves the request. ``approved_amount`` (a lower amount approved, for
    funding requests, with a note saying why) is kept on the decision; the handler receives the
    lowest amount approved across the request.
    """
    locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose approve, request changes or reject.")})
    note = _clean_text(note, field="note")
    amount = _parse_amount(approved_amount)
    if amount is not None:
        if outcome != Outcome.APPROVE:
            raise ValidationError({"approved_amount": _("An approved amount goes only with an approval.")})
        if locked.amount is not None and amount > locked.amount:
            raise ValidationError(
                {
                    "approved_amount": _("The approved amount cannot exceed the amount asked (%(amount)s).")
                    % {"amount": locked.amount}
                }
            )
        if locked.amount is not None and 0 < amount < locked.amount and not note:
            raise ValidationError({"note": _("Say why you approve less than asked: the requester sees this note.")})
    if locked.status != RequestStatus.IN_PROGRESS or locked.current_stage_id is None:
        raise StateConflict(
            _("This request is already closed (%(status)s): no more decisions.")
            % {"status": RequestStatus(locked.status).label.lower()}
        )
    state = StageState.objects.select_related("stage").get(pk=locked.current_stage_id)
    if state.status != StageStatus.IN_PROGRESS:
        raise StateConflict(_("This stage is already closed: no more decisions."))
    if by.pk == locked.submitted_by_id:
        raise PermissionDenied(_("You submitted this request: someone else must decide on it (segregation of duties)."))
    assignment, on_behalf_of = permissions.decision_slot(by, state)
    if Decision.objects.filter(stage_state=state, decider=by).exists():
        raise StateConflict(_("You have already decided on this stage."))
    now = timezone.now()
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                request=locked,
                stage_state=state,
                decider=by,
                on_behalf_of=on_behalf_of,
                outcome=outcome,
                note=note,
                subject_version=locked.subject_version,
                approved_amount=amount,
            )
    except IntegrityError:
        raise StateConflict(_("You have already decided on this stage.")) from None
    StageAssignment.objects.filter(pk=assignment.pk).update(decided=True)
    locked.last_activity_at = now
    handler = get_handler(locked.subject_kind)
    callback = None
    next_state = None
    if outcome == Outcome.REJECT:
        state.status = StageStatus.REJECTED
        locked.status = RequestStatus.REJECTED
        callback = lambda: handler.on_rejected(locked)  # noqa: E731
    elif outcome == Outcome.REQUEST_CHANGES:
        state.status = StageStatus.CHANGES_REQUESTED
        locked.status = RequestStatus.CHANGES_REQUESTED
        callback = lambda: handler.on_changes_requested(locked)  # noqa: E731
    else:
        waiting = state.assignments.filter(decided=False).exists()
        if state.mode == "any" or not waiting:
            state.status = StageStatus.APPROVED
            next_state = (
                locked.stage_states.filter(status=StageStatus.WAITING, order__gt=state.order)
                .select_related("stage")
                .order_by("order")
                .first()
            )
            if next_state is None:
                locked.status = RequestStatus.APPROVED
                lowest = locked.decisions.filter(outcome=Outcome.APPROVE).aggregate(low=Min("approved_amount"))["low"]
                callback = lambda: handler.on_approved(locked, lowest)  # noqa: E731
    if state.status != StageStatus.IN_PROGRESS:
        state.finished_at = now
        state.save(update_fields=["status", "finished_at"])
    if locked.status != RequestStatus.IN_PROGRESS:
        _close_rest(locked, now=now)
        locked.closed_at = now
        locked.current_stage = None
        locked.due_at = None
    elif next_state is not None:
        next_state.request = locked
        _start_stage(next_state, now=now, actor=by)
    locked._history_user = by
    locked.save()
    if callback is not None:
        callback()
    notices.resolve_after_decision(locked, decision, state)
    notices.tell_decision(locked, decision, state)
    publish("approval_request.decided", locked)
    request.refresh_from_db()
    return decision


# --- comment, cancel, confirm -----------------------------------------------------------


def _coordinate(value, field: str):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a number between 0 and 1.")}) from None
    if not 0.0 <= number <= 1.0:
        raise ValidationError({field: _("Enter a number between 0 and 1.")})
    return number


@transaction.atomic
def approval_comment(*, request: ApprovalRequest, by, body: str, page=None, x=None, y=None) -> Comment:
    """Add a comment: discussion, never a decision; it changes no status (PRODUCT.md §5).

    Anyone who can see the request may comment (the caller has scoped it).
    ``x``/``y`` pin it to a point of the preview (0–1), ``page`` to a page of
    a PDF; both coordinates or neither.
    """
    if not permissions.can_comment(by, request):
        raise PermissionDenied(_("You cannot comment on this request."))
    text = _clean_text(body, field="body", required=True)
    x, y = _coordinate(x, "x"), _coordinate(y, "y")
    if (x is None) != (y is None):
        raise ValidationError({"x": _("Give both x and y to pin a comment, or neither.")})
    if page not in (None, ""):
        try:
            page = int(page)
        except (TypeError, ValueError):
            raise ValidationError({"page": _("Enter a page number.")}) from None
        if page < 1:
            raise ValidationError({"page": _("Enter a page number.")})
    else:
        page = None
    comment = Comment.objects.create(
        request=request, author=by, body=text, page=page, x=x, y=y, subject_version=request.subject_version
    )
    ApprovalRequest.objects.filter(pk=request.pk).update(last_activity_at=timezone.now())
    recipients = [request.submitted_by]
    if request.current_stage_id:
        recipients += [
            a.user
            for a in StageAssignment.objects.filter(stage_state_id=request.current_stage_id).select_related("user")
        ]
    notify(
        recipients=recipients,
        kind=NotificationKind.COMMENT,
        message=messages.COMMENTED,
        params={"subject": request.subject_title, "who": by.full_name, "body": text},
        url=f"{request.get_absolute_url()}#comment-{comment.pk}",
        actor=by,
        dedupe_key=f"approvals:comment:{comment.pk}",
    )
    return comment


@transaction.atomic
def approval_cancel(*, request: ApprovalRequest, by, note: str = "", system_note: str = "") -> ApprovalRequest:
    """Withdraw an open request: by its submitter or an admin, or by the system (``by=None``) for stale ones.

    ``system_note`` is the system's own note (an encoded message key, see
    ``mrm.messages.note``), rendered in each reader's language; a person's
    ``note`` is kept as written. Every notice that still asked for a
    decision on it is resolved.
    """
    locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.IN_PROGRESS:
        raise StateConflict(
            _("This request is already closed (%(status)s).") % {"status": RequestStatus(locked.status).label.lower()}
        )
    if by is not None and not permissions.can_cancel(by, locked):
        raise PermissionDenied(_("Only the submitter or an administrator can withdraw this request."))
    now = timezone.now()
    open_state_ids = list(locked.stage_states.filter(status__in=OPEN_STAGE_STATUSES).values_list("pk", flat=True))
    _close_rest(locked, now=now)
    locked.status = RequestStatus.CANCELLED
    locked.closed_at = now
    locked.current_stage = None
    locked.due_at = None
    locked.close_note = system_note or _clean_text(note, field="note")
    locked._history_user = by
    locked.save()
    get_handler(locked.subject_kind).on_cancelled(locked)
    notices.resolve_withdrawn(locked, open_state_ids=open_state_ids, by=by)
    request.refresh_from_db()
    return locked


@transaction.atomic
def approval_confirm_needed(*, request: ApprovalRequest, by, note: str) -> ApprovalRequest:
    """The submitter confirms an idle request is still needed, and says why (PRODUCT.md §1, §5).

    Resets the idle clock, so it is not withdrawn; the answer stays on record.
    """
    locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if locked.submitted_by_id != by.pk:
        raise PermissionDenied(_("Only the submitter can confirm this request is still needed."))
    if locked.status != RequestStatus.IN_PROGRESS:
        raise StateConflict(_("This request is closed: there is nothing to confirm."))
    now = timezone.now()
    locked.stale_confirmation = _clean_text(note, field="note", required=True)
    locked.stale_confirmed_at = now
    locked.stale_asked_at = None
    locked.last_activity_at = now
    locked._history_user = by
    locked.save()
    notices.resolve_confirmed(locked)
    request.refresh_from_db()
    return locked


# --- delegation -------------------------------------------------------------------


@transaction.atomic
def delegation_create(*, by, stand_in, starts_on, ends_on, note: str = "", approver=None) -> Delegation:
    """Name a stand-in for a period: meanwhile they may decide the approver's stages (PRODUCT.md §5).

    An approver names their own stand-in; an admin may do it for anyone.
    Periods of one approver may not overlap, so it is always clear who stands in.
    """
    approver = approver or by
    if approver.pk != by.pk and not by.is_mrm_admin:
        raise PermissionDenied(_("You can only name a stand-in for yourself."))
    if stand_in is None or not stand_in.is_active:
        raise ValidationError({"stand_in": _("Choose an active colleague.")})
    if stand_in.pk == approver.pk:
        raise ValidationError({"stand_in": _("You cannot stand in for yourself.")})
    if starts_on is None or ends_on is None:
        raise ValidationError({"ends_on": _("Give the first and the last day.")})
    check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("The period is already over.")})
    get_user_model().objects.select_for_update().filter(pk=approver.pk).first()
    overlapping = Delegation.objects.filter(approver=approver, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise ValidationError({"starts_on": _("This period overlaps another stand-in period of yours.")})
    delegation = Delegation(
        approver=approver, stand_in=stand_in, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip()[:255]
    )
    delegation._history_user = by
    delegation.save()
    notify(
        recipients=[stand_in],
        kind=NotificationKind.OTHER,
        message=messages.STAND_IN,
        params={"approver": approver.full_name, "start": starts_on, "end": ends_on},
        url=reverse("approvals:inbox"),
        actor=by,
        dedupe_key=f"approvals:delegation:{delegation.pk}",
    )
    return delegation


@transaction.atomic
def delegation_end(*, delegation: Delegation, by) -> None:
    """End a stand-in period: one that has not started is removed, a running one ends yesterday.

    The stand-in's "waiting for your decision" notices for the approver's
    open stages are resolved: those stages no longer wait on them.
    """
    if delegation.approver_id != by.pk and not by.is_mrm_admin:
        raise PermissionDenied(_("You can only end your own stand-in periods."))
    today = timezone.localdate()
    if delegation.starts_on >= today:
        delegation._history_user = by
        delegation.delete()
    else:
        delegation.ends_on = max(delegation.starts_on, today - datetime.timedelta(days=1))
        delegation._history_user = by
        delegation.save(update_fields=["ends_on"])
    notices.refresh_stages_of(
        [delegation.approver_id],
        reason=messages.RESOLVED_STAND_IN_ENDED,
        params={"approver": delegation.approver.full_name},
    )


# --- templates ------------------------------------------------------------------------


@transaction.atomic
def workflow_template_save(*, form, stages, by) -> WorkflowTemplate:
    """Save a template and its stages from the app's page (admins only).

    Running requests keep the stages they started with (stage states copy
    name and mode and fix their approvers), so an edit never moves them. A
    stage that running requests used cannot be deleted; deactivate the
    template and make a new one instead.
    """
    permissions.ensure(permissions.can_manage_templates(by), _("Only administrators edit workflow templates."))
    template = form.save(commit=False)
    template._history_user = by
    try:
        with transaction.atomic():
            template.save()
            stages.instance = template
            saved = stages.save(commit=False)
            for stage in stages.deleted_objects:
                if stage.states.exists():
                    raise ValidationError(
                        _("The stage “%(stage)s” was used by requests; it cannot be deleted.") % {"stage": stage.name}
                    )
                stage.delete()
            for stage in saved:
                stage.template = template
                stage._history_user = by
                stage.save()
            stages.save_m2m()
    except IntegrityError:
        raise ValidationError(
            _("Check the stages' order (each number once) and that only one active template applies per kind.")
        ) from None
    if not template.stages.exists():
        raise ValidationError(_("A template needs at least one stage."))
    return template


STAGE_FIELDS = ("name", "mode", "sla_days", "escalation_contact", "min_amount")


@transaction.atomic
def workflow_template_write(
    *,
    by,
    template: WorkflowTemplate | None = None,
    stages: list[dict] | None = None,
    **fields,
) -> WorkflowTemplate:
    """Create or change a template and its stages through the API (admins only).

    ``fields``: name, subject_kind, description, is_active. ``stages`` (a list
    of dicts with order, name, mode, approvers, approver_groups, sla_days,
    escalation_contact, min_amount) replaces the stages, matched by order;
    ``None`` keeps them. A stage running requests used cannot be removed.
    As on the page, running requests keep what they started with.
    """
    permissions.ensure(permissions.can_manage_templates(by), _("Only administrators edit workflow templates."))
    template = template or WorkflowTemplate()
    for field, value in fields.items():
        setattr(template, field, value)
    template.full_clean(exclude=["subject_kind"] if template.pk and "subject_kind" not in fields else None)
    template._history_user = by
    try:
        with transaction.atomic():
            template.save()
            if stages is not None:
                _replace_stages(template, stages, by=by)
    except IntegrityError:
        raise StateConflict(_("Another active template already applies to this kind of subject.")) from None
    if not template.stages.exists():
        raise ValidationError({"stages": _("A template needs at least one stage.")})
    return template


def _replace_stages(template: WorkflowTemplate, stages: list[dict], *, by) -> None:
    existing = {stage.order: stage for stage in template.stages.all()}
    wanted = {data["order"] for data in stages}
    for order, stage in existing.items():
        if order not in wanted:
            if stage.states.exists():
                raise ValidationError(
                    {
                        "stages": _("The stage “%(stage)s” was used by requests; it cannot be deleted.")
                        % {"stage": stage.name}
                    }
                )
            stage._history_user = by
            stage.delete()
    for data in stages:
        stage = existing.get(data["order"]) or Stage(template=template, order=data["order"])
        for field in STAGE_FIELDS:
            if field in data:
                setattr(stage, field, data[field])
        stage.full_clean(exclude=["template"])
        stage._history_user = by
        stage.save()
        stage.approvers.set(data.get("approvers", []))
        stage.approver_groups.set(data.get("approver_groups", []))
