"""The campaigns part of the REST API (PRODUCT.md §8): thin viewsets over services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from campaigns import bulk, exports, rollup, services
from campaigns.api.filters import ActivityFilter, CampaignFilter, ChecklistItemFilter, KPIFilter, TaskFilter
from campaigns.api.permissions import CampaignWrites, ChecklistWrites
from campaigns.api.serializers import (
    ActivitySerializer,
    BulkResultSerializer,
    BulkSerializer,
    BulkUndoSerializer,
    CalendarEventSerializer,
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignTemplateSerializer,
    ChannelSerializer,
    ChecklistItemSerializer,
    CloneSerializer,
    KPISerializer,
    LaunchRequestedSerializer,
    TaskBulkSerializer,
    TaskSerializer,
    TransitionSerializer,
)
from campaigns.choices import ActivityType, BatchKind, CalendarColourBy, CalendarEventKind, CampaignStatus
from campaigns.models import KPI, Activity, Campaign, CampaignBatch, CampaignTemplate, Channel, ChecklistItem, Task
from campaigns.selectors import CalendarQuery, TooManyEvents, calendar_events
from mrm.api import (
    ListExportMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedViewSetMixin,
    exportable_list,
    object_history_action,
)


def _refuse_move(instance, data, what: str) -> None:
    campaign = data.pop("campaign", None)
    if campaign is not None and campaign.pk != instance.campaign_id:
        raise ValidationError({"campaign": _("%(what)s cannot move to another campaign.") % {"what": what}})


def _own_batch(request, pk: int, kind: str) -> CampaignBatch:
    """A bulk change of this kind the user made (admins: anyone's); any other id is a 404."""
    batch = CampaignBatch.objects.filter(pk=pk, kind=kind).first()
    if batch is None or not (batch.created_by_id == request.user.pk or request.user.is_mrm_admin):
        raise NotFound()
    return batch


@exportable_list(CampaignSerializer)
class CampaignViewSet(ListExportMixin, ScopedModelViewSet):
    """Campaigns the user may see; writes only on their own teams' campaigns (§2).

    ``?format=csv|xlsx`` downloads every campaign the filters select, in the import's columns.

    The status changes only through ``POST {id}/transition/``; an illegal move
    answers 409 with the reason.
    """

    queryset = Campaign.objects.with_list_data()
    permission_classes = [IsAuthenticated, CampaignWrites]
    serializer_class = CampaignSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CampaignFilter
    export_spec = exports.CAMPAIGNS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    history = object_history_action(exports.campaign_history_sources)

    def get_serializer_class(self):
        # The programme roll-up is on the detail only: the list's query count stays constant.
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    def retrieve(self, request, *args, **kwargs):
        """One campaign, with ``rollup``: a programme's totals over the reader's visibility and scope."""
        campaign = self.get_object()
        campaign.rollup = rollup.programme_rollup(programme=campaign, user=request.user)
        return Response(self.get_serializer(campaign).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        channels = data.pop("channels", [])
        created = services.campaign_create(by=self.request.user, channels=channels, **data)
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        channels = data.pop("channels", None)
        updated = services.campaign_update(
            campaign=serializer.instance, by=self.request.user, channels=channels, **data
        )
        # Read back as lists read it (pending launch request, related names), not the locked row.
        serializer.instance = self.get_queryset().get(pk=updated.pk)

    @extend_schema(request=TransitionSerializer, responses={200: CampaignSerializer, 202: LaunchRequestedSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the campaign to another status with a note; 409 when the lifecycle forbids it.

        Where a campaign-launch workflow is configured, asking for ``active``
        opens a launch approval request: the answer is 202 with its id.
        """
        campaign = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.campaign_transition(
            campaign=campaign,
            to_status=data.validated_data["status"],
            note=data.validated_data["note"],
            by=request.user,
        )
        if moved.launch_request is not None:
            return Response(
                {"detail": _("Launch approval requested."), "approval_request": moved.launch_request.pk},
                status=202,
            )
        fresh = self.get_queryset().get(pk=campaign.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=BulkSerializer, responses={200: BulkResultSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Change many campaigns at once: each passes the same rules as by hand, failures listed per id.

        Actions: ``status`` (+ ``note``), ``owner``, ``sponsor`` (null clears),
        ``team``, ``tags`` (``add_tags``/``remove_tags``), ``shift_dates``
        (``days``, ± — activities and task due dates move along). An id you
        cannot read answers as one that does not exist. ``batch`` undoes it all
        with ``POST bulk/undo/``.
        """
        data = BulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        outcomes, batch = bulk.campaigns_bulk(
            ids=params.pop("ids"), action=params.pop("action"), by=request.user, **params
        )
        return Response({"results": [o.as_dict() for o in outcomes], "batch": batch.pk if batch else None})

    @extend_schema(
        request=BulkUndoSerializer,
        responses={
            200: BulkResultSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No bulk change of yours has this id."),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk/undo")
    def bulk_undo(self, request):
        """Undo a bulk change of yours (admins: anyone's); campaigns changed since are left and listed."""
        data = BulkUndoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = _own_batch(request, data.validated_data["batch"], BatchKind.CAMPAIGN)
        outcomes = bulk.campaigns_bulk_undo(batch=batch, by=request.user)
        return Response({"results": [o.as_dict() for o in outcomes], "batch": batch.pk})

    @extend_schema(request=CloneSerializer, responses={201: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request, pk=None):
        """A new draft with this campaign's plan moved to ``start_date`` (issue 18 item 2).

        Activities, tasks and KPI targets come along; nothing of the run does
        (status, actuals, money, decisions). Whoever reads the campaign may
        clone it into a team where they create campaigns (its own by default).
        """
        campaign = self.get_object()
        data = CloneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.campaign_clone(campaign=campaign, by=request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=created.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


class CampaignTemplateViewSet(ScopedModelViewSet):
    """The template gallery (issue 18 item 2): save a campaign's plan, start new campaigns from it.

    Marketers see templates not confidential and their teams' own; admins all.
    ``POST`` with ``campaign`` saves that campaign's plan (its editors may);
    ``POST {id}/start/`` starts a draft from it, as a clone does.
    """

    queryset = CampaignTemplate.objects.select_related("team")
    permission_classes = [IsAuthenticated, CampaignWrites]
    serializer_class = CampaignTemplateSerializer
    filter_backends: list = []
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.campaign_template_save(
            campaign=data.pop("campaign"), by=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.campaign_template_delete(template=instance, by=self.request.user)

    @extend_schema(request=CloneSerializer, responses={201: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """A new draft laid out from the template from ``start_date`` (in ``team``, the template's by default)."""
        template = self.get_object()
        data = CloneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.campaign_start_from_template(template=template, by=request.user, **data.validated_data)
        fresh = Campaign.objects.visible_to(request.user).with_list_data().get(pk=created.pk)
        return Response(CampaignSerializer(fresh, context=self.get_serializer_context()).data, status=201)


@exportable_list(ActivitySerializer)
class ActivityViewSet(ListExportMixin, ScopedModelViewSet):
    queryset = Activity.objects.select_related("campaign")
    permission_classes = [IsAuthenticated, CampaignWrites]
    serializer_class = ActivitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilter
    export_spec = exports.ACTIVITIES

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = data.pop("campaign")
        serializer.instance = services.activity_create(campaign=campaign, by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _refuse_move(serializer.instance, data, _("An activity"))
        serializer.instance = services.activity_update(activity=serializer.instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.activity_delete(activity=instance, by=self.request.user)


@exportable_list(TaskSerializer)
class TaskViewSet(ListExportMixin, ScopedModelViewSet):
    """Tasks of the campaigns the user may see, with their checklists and what they depend on.

    ``depends_on`` (task ids of the same campaign) is written with the task; a
    cycle is a 400. A task is not marked done while a task it depends on is
    open: that is a 409 naming them. ``POST bulk/`` changes many tasks at once.
    """

    queryset = Task.objects.select_related("campaign").prefetch_related("depends_on", "checklist")
    permission_classes = [IsAuthenticated, CampaignWrites]
    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TaskFilter
    export_spec = exports.TASKS

    def _read_back(self, task):
        return self.get_queryset().get(pk=task.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = data.pop("campaign")
        depends_on = data.pop("depends_on", None)
        with transaction.atomic():
            task = services.task_create(campaign=campaign, by=self.request.user, **data)
            if depends_on:
                services.task_set_dependencies(task=task, depends_on=depends_on, by=self.request.user)
        serializer.instance = self._read_back(task)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _refuse_move(serializer.instance, data, _("A task"))
        depends_on = data.pop("depends_on", None)
        with transaction.atomic():
            if depends_on is not None:
                services.task_set_dependencies(task=serializer.instance, depends_on=depends_on, by=self.request.user)
            if set(data) == {"done"}:
                # The assignee may tick off a task on a campaign they cannot edit.
                task = services.task_set_done(task=serializer.instance, done=data["done"], by=self.request.user)
            elif data:
                task = services.task_update(task=serializer.instance, by=self.request.user, **data)
            else:
                task = serializer.instance
        serializer.instance = self._read_back(task)

    def perform_destroy(self, instance):
        services.task_delete(task=instance, by=self.request.user)

    @extend_schema(request=TaskBulkSerializer, responses={200: BulkResultSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Change many tasks at once, as ``POST /api/v1/campaigns/bulk/`` does campaigns.

        Actions: ``status`` (``"done"`` or ``"open"``: the assignee or the
        campaign's editors; a task whose prerequisites are open is refused),
        ``assignee`` (null unassigns) and ``shift_dates`` (``days``, ± on the due
        date). An id you cannot read answers as one that does not exist.
        ``batch`` undoes it all with ``POST bulk/undo/``.
        """
        data = TaskBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        outcomes, batch = bulk.tasks_bulk(ids=params.pop("ids"), action=params.pop("action"), by=request.user, **params)
        return Response({"results": [o.as_dict() for o in outcomes], "batch": batch.pk if batch else None})

    @extend_schema(
        request=BulkUndoSerializer,
        responses={
            200: BulkResultSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No bulk change of tasks of yours has this id."),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk/undo")
    def bulk_undo(self, request):
        """Undo a bulk change of tasks of yours (admins: anyone's); tasks changed since are left and listed."""
        data = BulkUndoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = _own_batch(request, data.validated_data["batch"], BatchKind.TASK)
        outcomes = bulk.tasks_bulk_undo(batch=batch, by=request.user)
        return Response({"results": [o.as_dict() for o in outcomes], "batch": batch.pk})


class ChecklistItemViewSet(ScopedModelViewSet):
    """The steps of tasks' checklists (``?task=``), in order.

    The campaign's editors add, rename, move (``position``) and remove steps;
    the task's assignee and editors tick them (``PATCH {"done": true}``), and
    who ticked a step when is kept (``done_by``, ``done_at``).
    """

    queryset = ChecklistItem.objects.select_related("task__campaign")
    permission_classes = [IsAuthenticated, ChecklistWrites]
    serializer_class = ChecklistItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChecklistItemFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.checklist_item_add(
            task=data["task"], text=data["text"], position=data.get("position"), by=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        task = data.pop("task", None)
        if task is not None and task.pk != serializer.instance.task_id:
            raise ValidationError({"task": _("A checklist step cannot move to another task.")})
        item = serializer.instance
        with transaction.atomic():
            if "done" in data:
                item = services.checklist_item_set_done(item=item, done=data.pop("done"), by=self.request.user)
            if data:
                item = services.checklist_item_update(item=item, by=self.request.user, **data)
        serializer.instance = item

    def perform_destroy(self, instance):
        services.checklist_item_delete(item=instance, by=self.request.user)


class KPIViewSet(ScopedModelViewSet):
    queryset = KPI.objects.select_related("campaign")
    permission_classes = [IsAuthenticated, CampaignWrites]
    serializer_class = KPISerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = KPIFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = data.pop("campaign")
        serializer.instance = services.kpi_create(campaign=campaign, by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _refuse_move(serializer.instance, data, _("A KPI"))
        serializer.instance = services.kpi_update(kpi=serializer.instance, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.kpi_delete(kpi=instance, by=self.request.user)


class ChannelViewSet(ScopedReadOnlyViewSet):
    """Marketing channels (ids for filters and writes); admins maintain them."""

    queryset = Channel.objects.filter(is_active=True)
    serializer_class = ChannelSerializer
    pagination_class = None
    filter_backends: list = []


_CALENDAR_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="First day of the window."),
    OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Last day of the window (≤ 400 days)."),
    OpenApiParameter("team", OpenApiTypes.INT, many=True, description="Team ids."),
    OpenApiParameter("channel", OpenApiTypes.INT, many=True, description="Channel ids."),
    OpenApiParameter("type", OpenApiTypes.STR, many=True, enum=ActivityType.values, description="Activity types."),
    OpenApiParameter(
        "status", OpenApiTypes.STR, many=True, enum=CampaignStatus.values, description="Campaign statuses."
    ),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, many=True, enum=CalendarEventKind.values, description="activity and/or campaign."
    ),
    OpenApiParameter(
        "color_by", OpenApiTypes.STR, enum=CalendarColourBy.values, description="channel (default) or team."
    ),
]


class CalendarEventViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The marketing calendar's events in a date window: activities and campaign spans.

    Scoped like everything else (``visible_to``); the answer is a plain list
    (bounded by the window) as calendar components expect.
    """

    queryset = Activity.objects.all()
    serializer_class = CalendarEventSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(parameters=_CALENDAR_PARAMETERS, responses={200: CalendarEventSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        query = CalendarQuery.from_params(request.query_params)
        try:
            return Response(calendar_events(request.user, query))
        except TooManyEvents as exc:
            return Response(
                {"detail": exc.messages[0], "code": "too_many_events", "count": exc.count, "limit": exc.limit},
                status=status.HTTP_400_BAD_REQUEST,
            )
