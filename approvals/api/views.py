"""``/api/v1/workflow-templates/``, ``/api/v1/approval-requests/`` and ``/api/v1/delegations/``.

Commands are separate actions, as the product separates them: ``decide``
moves a request, ``comments`` never does (PRODUCT.md §5, §8).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from approvals import exports, selectors, services
from approvals import permissions as approval_permissions
from approvals.api.filters import ApprovalRequestFilter
from approvals.api.serializers import (
    ApprovalRequestSerializer,
    CancelSerializer,
    CommentInputSerializer,
    CommentSerializer,
    DecideSerializer,
    DecisionSerializer,
    DelegationSerializer,
    WorkflowTemplateSerializer,
    WorkflowTemplateWriteSerializer,
)
from approvals.models import ApprovalRequest, Decision, Delegation, StageAssignment, StageState, WorkflowTemplate
from mrm.api import ListExportMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin, exportable_list


class WorkflowTemplateViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Workflow templates and their stages: everyone reads them, admins write them.

    A write sends the template with all its stages (matched by ``order``); a
    PATCH without ``stages`` keeps them. There is no DELETE: deactivate a
    template instead, since requests keep pointing at it.
    """

    queryset = WorkflowTemplate.objects.with_stages()
    serializer_class = WorkflowTemplateSerializer
    filterset_fields = ("subject_kind", "is_active")
    ordering_fields = ("name", "subject_kind")
    ordering = ("subject_kind", "name", "id")
    search_fields = ("name",)

    def _ensure_admin(self):
        if not approval_permissions.can_manage_templates(self.request.user):
            raise PermissionDenied(_("Only administrators edit workflow templates."))

    @extend_schema(request=WorkflowTemplateWriteSerializer, responses={201: WorkflowTemplateSerializer})
    def create(self, request, *args, **kwargs):
        self._ensure_admin()
        data = WorkflowTemplateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.workflow_template_write(by=request.user, **data.validated_data)
        return Response(self._read(template), status=status.HTTP_201_CREATED)

    @extend_schema(request=WorkflowTemplateWriteSerializer, responses=WorkflowTemplateSerializer)
    def update(self, request, *args, **kwargs):
        template = self.get_object()
        self._ensure_admin()
        partial = kwargs.pop("partial", False)
        data = WorkflowTemplateWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        template = services.workflow_template_write(by=request.user, template=template, **data.validated_data)
        return Response(self._read(template))

    @extend_schema(request=WorkflowTemplateWriteSerializer, responses=WorkflowTemplateSerializer)
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def _read(self, template):
        return WorkflowTemplateSerializer(self.get_queryset().get(pk=template.pk)).data


def _request_queryset():
    decisions = Decision.objects.select_related("decider", "on_behalf_of", "stage_state")
    # By id: the model's order (stage state, then id) is the same within a stage, but Django spells
    # it through the stage state's and the request's own orderings, which joined and sorted every
    # stage state and request of the database for each page (issue 16).
    assignments = StageAssignment.objects.order_by("pk")
    states = StageState.objects.order_by("order").prefetch_related(
        Prefetch("assignments", queryset=assignments), Prefetch("decisions", queryset=decisions)
    )
    return ApprovalRequest.objects.with_list_data().prefetch_related(Prefetch("stage_states", queryset=states))


@exportable_list(ApprovalRequestSerializer)
class ApprovalRequestViewSet(ListExportMixin, ScopedReadOnlyViewSet):
    """Approval requests the user may see; ``?pending_for_me=true`` lists what waits on them.

    ``?format=csv|xlsx`` downloads every request the filters select, as a file.
    """

    queryset = _request_queryset()
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilter
    ordering_fields = ("submitted_at", "due_at", "status")
    ordering = ("-submitted_at", "-id")
    search_fields = ("subject_title", "reason")
    export_spec = exports.APPROVAL_REQUESTS

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else None
        if isinstance(rows, ApprovalRequest):
            rows = [rows]
        if isinstance(rows, list):
            # The subject apps' decision contexts, one batch per kind: a page of 50 costs what 1 does.
            selectors.attach_decision_contexts(
                [row for row in rows if not hasattr(row, "decision_context")], self.request.user
            )
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A decision (approve, request changes, reject): final and immutable; it moves the request."""
        approval = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.approval_decide(request=approval, by=request.user, **data.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk=None):
        """Discussion: preliminary comments, never a decision; they change no status.

        The request list's filters do not apply here (the schema offered them and the
        list ignored them; ``?status=approved`` even hid the request itself): only pages.
        """
        approval = self.get_object()
        if request.method == "GET":
            comments = approval.comments.select_related("author").order_by("created_at", "pk")
            page = self.paginate_queryset(comments)
            return self.get_paginated_response(CommentSerializer(page, many=True).data)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.approval_comment(request=approval, by=request.user, **data.validated_data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw an open request (its submitter or an admin)."""
        approval = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.approval_cancel(request=approval, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=approval.pk)).data)


class DelegationViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One's stand-in periods: create for oneself, end (DELETE) one's own."""

    queryset = Delegation.objects.select_related("approver", "stand_in")
    serializer_class = DelegationSerializer
    ordering = ("-starts_on", "id")
    filterset_fields = ("approver", "stand_in")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.delegation_create(
            by=self.request.user,
            stand_in=data["stand_in"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data.get("note", ""),
        )

    def perform_destroy(self, instance):
        services.delegation_end(delegation=instance, by=self.request.user)
