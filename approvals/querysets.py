"""Who sees which approval data: the one place (PRODUCT.md §2, §5).

A request is visible to its submitter, to the approvers assigned to any of
its stages and their current stand-ins, to the approvers a template names
on a stage still to come, to admins, and to whoever may see
its subject (asked of the subject kind's registered handler: a funding
request's readers see its approval too).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


class WorkflowTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Templates are shared configuration: every signed-in user may read them (who approves what)."""
        if not _active(user):
            return self.none()
        return self.all()

    def active(self):
        return self.filter(is_active=True)

    def with_stages(self):
        from approvals.models import Stage

        return self.prefetch_related(
            models.Prefetch(
                "stages",
                queryset=Stage.objects.select_related("escalation_contact")
                .prefetch_related("approvers", "approver_groups")
                .order_by("order", "pk"),
            )
        )


class DelegationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """One's own delegations, given or received; admins see all of them."""
        if not _active(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        return self.filter(Q(approver_id=user.pk) | Q(stand_in_id=user.pk))

    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day)


def principals_of(user, on=None) -> list[int]:
    """The user's id and the ids of approvers for whom the user stands in today."""
    from approvals.models import Delegation

    ids = [user.pk]
    ids += list(
        Delegation.objects.current(on)
        .filter(stand_in_id=user.pk, approver__is_active=True)
        .values_list("approver_id", flat=True)
    )
    return ids


class ApprovalRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests the user may read; see the module docstring for who that is."""
        if not _active(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        from approvals.models import Delegation, StageAssignment, StageState
        from approvals.registry import registered_handlers

        # The assignment rules are EXISTS correlated on the request: PostgreSQL may
        # probe the request's own stages by index (a page of a list) or hash the
        # user's assignments once (a count), whichever costs less, instead of
        # always collecting every request the user was ever assigned (issue 16).
        # The subjects' own rules stay ``object_id IN (their visible ids)``: as
        # correlated EXISTS around the campaign's whole visibility rule, Django
        # spent three times as long building and compiling the query as
        # PostgreSQL saved running it (measured at scale 0.1).
        request = models.OuterRef("pk")
        stand_in_for = Delegation.objects.current().filter(stand_in_id=user.pk).values("approver_id")
        assigned = StageAssignment.objects.filter(
            Q(user_id=user.pk) | Q(user_id__in=stand_in_for), stage_state__request_id=request
        )
        # Approvers named on a later stage see what is coming their way.
        upcoming = StageState.objects.filter(stage__approvers=user, request_id=request)
        # The subjects' rules come first: PostgreSQL tries an OR's terms in order, and for a
        # reader of every subject of a kind (finance, leadership) the kind alone answers, with
        # no set of ids to build nor EXISTS to probe for most rows (issue 16: the CMO's count).
        condition = Q(pk__in=[])
        for handler in registered_handlers():
            ids = handler.visible_ids(user)
            if isinstance(ids, models.QuerySet) and not ids.query.where:
                condition |= Q(subject_kind=handler.kind)  # the user may read every subject of the kind
            else:
                condition |= Q(subject_kind=handler.kind, object_id__in=ids)
        condition |= Q(submitted_by_id=user.pk) | Q(models.Exists(assigned)) | Q(models.Exists(upcoming))
        return self.filter(condition)

    def in_scope(self, scope):
        """Requests whose subject lies in a viewer's report scope (:mod:`accounts.scope`).

        The engine knows no team: each subject kind's handler says which of
        its subjects are in the scope. A kind without ``scope_ids`` counts
        only for viewers of every team.
        """
        if scope.all_teams:
            return self.all()
        from approvals.registry import registered_handlers

        condition = Q(pk__in=[])
        for handler in registered_handlers():
            if handler.scope_ids is not None:
                condition |= Q(subject_kind=handler.kind, object_id__in=handler.scope_ids(scope))
        return self.filter(condition)

    def open(self):
        from approvals.choices import RequestStatus

        return self.filter(status=RequestStatus.IN_PROGRESS)

    def pending_for(self, user):
        """Open requests whose current stage waits on the user (directly or as a stand-in).

        Excludes requests the user submitted (they never decide their own) and
        stages where the user, or the person they stand in for, already decided.
        """
        if not _active(user):
            return self.none()
        from approvals.choices import RequestStatus, StageStatus
        from approvals.models import Decision, StageAssignment

        principals = principals_of(user)
        waiting = StageAssignment.objects.filter(
            stage_state_id=models.OuterRef("current_stage_id"), user_id__in=principals, decided=False
        )
        already = Decision.objects.filter(stage_state_id=models.OuterRef("current_stage_id"), decider_id=user.pk)
        return (
            self.filter(status=RequestStatus.IN_PROGRESS, current_stage__status=StageStatus.IN_PROGRESS)
            .exclude(submitted_by_id=user.pk)
            .filter(models.Exists(waiting))
            .exclude(models.Exists(already))
        )

    def with_list_data(self):
        return self.select_related("template", "submitted_by", "current_stage")

    def open_subject_ids_for_approver(self, user, kind: str):
        """Ids of subjects of ``kind`` whose open request the user approves (or stands in for).

        For subject apps widening their own visibility, e.g. PRODUCT.md §2:
        "approvers of its open approval requests" see a confidential campaign.
        """
        if not _active(user):
            return self.none().values("object_id")
        from accounts.models import User
        from approvals.choices import RequestStatus
        from approvals.models import Delegation, StageAssignment

        # The user and whom they stand in for as one set, read first: "assigned to me OR to
        # someone I stand in for" as an OR on the assignee could use no index, and PostgreSQL
        # went through every open request of the kind instead (3 000 open funding requests at
        # scale 1: 2-50 ms of every marketer's campaign list, for the none they approve; issue 16).
        principals = (
            Delegation.objects.current()
            .filter(stand_in_id=user.pk)
            .order_by()
            .values("approver_id")
            .union(User.objects.filter(pk=user.pk).order_by().values("pk"), all=True)
        )
        assigned = StageAssignment.objects.filter(user_id__in=principals).values("stage_state__request_id")
        return self.filter(subject_kind=kind, status=RequestStatus.IN_PROGRESS, pk__in=assigned).values("object_id")

    def for_subject(self, subject):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)


class DecisionQuerySet(models.QuerySet):
    """Decisions are immutable: bulk updates and deletes are refused like single ones."""

    def visible_to(self, user):
        from approvals.models import ApprovalRequest

        return self.filter(request__in=ApprovalRequest.objects.visible_to(user))

    def update(self, **kwargs):
        from approvals.models import ImmutableRecord

        raise ImmutableRecord("Decisions are final: they cannot be changed.")

    def delete(self):
        from approvals.models import ImmutableRecord

        raise ImmutableRecord("Decisions are final: they cannot be deleted.")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from approvals.models import ApprovalRequest

        return self.filter(request__in=ApprovalRequest.objects.visible_to(user))
