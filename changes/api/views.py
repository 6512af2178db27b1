"""Change request endpoints (PRODUCT.md §7, §8): ``/api/v1/change-requests/`` and its commands.

Listed and read by the requester, the members of affected teams and
administrators (``ChangeRequest.objects.visible_to``); anyone with a role
creates one. Commands: ``acknowledge``/``object`` (an affected team's
champion or lead), ``apply``/``decline`` (administrators), ``withdraw``
(requester, admin), ``confirm`` (requester). A command the state does not
allow is a 409.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from changes import permissions, services
from changes.api.filters import ChangeRequestFilter
from changes.api.serializers import ApplySerializer, ChangeRequestSerializer, NoteSerializer, RequiredNoteSerializer
from changes.choices import AnswerStatus
from changes.models import ChangeRequest
from mrm.api import ScopedCreateReadViewSet


class ChangeRequestViewSet(ScopedCreateReadViewSet):
    """Change requests for configuration (workflow templates, expense categories, fields) you asked for,
    that affect your teams, or all of them for administrators."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilter
    search_fields = ["what", "why"]
    ordering_fields = ["created_at", "last_activity_at", "decided_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().with_detail_data()

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def perform_create(self, serializer):
        if not permissions.can_request_change(self.request.user):
            raise PermissionDenied(_("Only users with a role can ask for a configuration change."))
        data = serializer.validated_data
        created = services.change_request_create(
            by=self.request.user,
            target_kind=data["target_kind"],
            workflow_template=data.get("workflow_template"),
            expense_category=data.get("expense_category"),
            field_name=data.get("field_name", ""),
            what=data["what"],
            why=data["why"],
        )
        serializer.instance = self._fresh(created.pk)

    def _answer(self, request, answer):
        change = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_request_answer(
            change_request=change, by=request.user, answer=answer, note=data.validated_data["note"]
        )
        return self._respond(change)

    def _respond(self, change):
        return Response(ChangeRequestSerializer(self._fresh(change.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=NoteSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge the change for the affected teams you are champion or lead of (note optional)."""
        return self._answer(request, AnswerStatus.ACKNOWLEDGED)

    @extend_schema(request=RequiredNoteSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"], url_path="object", url_name="object")
    def object_to(self, request, pk=None):
        """Object to the change for the affected teams you are champion or lead of; the note says why."""
        return self._answer(request, AnswerStatus.OBJECTED)

    @extend_schema(request=ApplySerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"], url_path="apply", url_name="apply")
    def apply_change(self, request, pk=None):
        """Administrators: record that the change is made (in the Django admin). Refused (409) while a team
        has objected or not answered, unless ``override`` is true and the note says why."""
        change = self.get_object()
        data = ApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_request_apply(
            change_request=change,
            by=request.user,
            note=data.validated_data["note"],
            override=data.validated_data["override"],
        )
        return self._respond(change)

    @extend_schema(request=RequiredNoteSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Administrators: decline the change, saying why."""
        change = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_request_decline(change_request=change, by=request.user, note=data.validated_data["note"])
        return self._respond(change)

    @extend_schema(request=NoteSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The requester or an administrator withdraws an open change request."""
        change = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_request_withdraw(change_request=change, by=request.user, note=data.validated_data["note"])
        return self._respond(change)

    @extend_schema(request=RequiredNoteSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The requester confirms the change request is still needed and says why (resets the idle clock)."""
        change = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_request_confirm(change_request=change, by=request.user, note=data.validated_data["note"])
        return self._respond(change)
