"""A tiny URLconf for the gates' own tests: right and deliberately wrong routes.

``teams-of-mine`` is scoped (a user sees only the teams they belong to), its
``leaky`` twin forgets the scope; ``guarded-page`` checks the login, its
``open-page`` twin forgets to; ``divide`` answers 500 for one input (``teapot`` an undeclared status, ``lenient`` accepts input
the schema forbids, ``picky`` refuses input the schema allows); ``vanishing`` creates what it cannot show;
``admin-renames`` lets only admins rename a team, its ``anyone-renames`` twin lost that permission check;
``my-team-events`` lists the caller's teams as calendar-like events (``"id": "team-7"``), ``all-team-events`` every team.
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.api.serializers import TeamSerializer
from accounts.models import Team
from reports.views import dashboard


class TeamsOfMineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    queryset = Team.objects.all()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return Team.objects.filter(memberships__user=self.request.user).order_by("pk")


class LeakyTeamsViewSet(viewsets.ReadOnlyModelViewSet):
    """The same resource with the permission check removed."""

    serializer_class = TeamSerializer
    queryset = Team.objects.order_by("pk")


class NewTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]

    def create(self, validated_data):
        return Team.objects.create(slug=uuid.uuid4().hex, **validated_data)


class VanishingTeamsViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Creates teams that can never be read back: a bug only a sequence of calls shows."""

    serializer_class = NewTeamSerializer
    queryset = Team.objects.all()

    def get_queryset(self):
        return Team.objects.none()


class AdminWrites(permissions.BasePermission):
    """Reads for everyone signed in, writes for admins only (403 for the others)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.has_role("admin")


class AdminRenamesViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = NewTeamSerializer
    queryset = Team.objects.order_by("pk")
    permission_classes = [permissions.IsAuthenticated, AdminWrites]
    http_method_names = ["get", "patch"]


class AnyoneRenamesViewSet(AdminRenamesViewSet):
    """The same endpoint with its permission check removed."""

    permission_classes = [permissions.IsAuthenticated]


class QuotientSerializer(serializers.Serializer):
    quotient = serializers.IntegerField()


class DivideViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("by", OpenApiTypes.INT, required=True)],
        responses={200: QuotientSerializer},
    )
    @action(detail=False, methods=["get"])
    def hundred(self, request):
        """A bug a fuzzer finds: no check for zero."""
        return Response({"quotient": 100 // int(request.query_params["by"])})

    @extend_schema(responses={200: QuotientSerializer})
    @action(detail=False, methods=["get"])
    def words(self, request):
        """A response that breaks its own schema: a string where an integer is promised."""
        return Response({"quotient": "many"})

    @extend_schema(
        parameters=[OpenApiParameter("by", OpenApiTypes.INT, required=True)],
        responses={200: QuotientSerializer},
    )
    @action(detail=False, methods=["get"])
    def teapot(self, request):
        """A status the schema does not declare: 418 for every answer."""
        return Response({"detail": "I'm a teapot."}, status=418)

    @extend_schema(
        parameters=[OpenApiParameter("by", {"type": "integer", "minimum": 1, "maximum": 100}, required=True)],
        responses={200: QuotientSerializer},
    )
    @action(detail=False, methods=["get"])
    def lenient(self, request):
        """Input outside the schema is accepted: any ``by`` answers 200."""
        return Response({"quotient": 0})

    @extend_schema(
        parameters=[OpenApiParameter("by", {"type": "integer", "minimum": 1, "maximum": 100}, required=True)],
        responses={200: QuotientSerializer},
    )
    @action(detail=False, methods=["get"])
    def picky(self, request):
        """Input the schema allows is refused: every ``by`` answers 400."""
        return Response({"by": ["Not today."]}, status=400)


router = DefaultRouter()
router.register("teams-of-mine", TeamsOfMineViewSet, basename="mine")
router.register("leaky", LeakyTeamsViewSet, basename="leaky")
router.register("divide", DivideViewSet, basename="divide")
router.register("vanishing", VanishingTeamsViewSet, basename="vanishing")
router.register("admin-renames", AdminRenamesViewSet, basename="admin-renames")
router.register("anyone-renames", AnyoneRenamesViewSet, basename="anyone-renames")


@login_required
def guarded_page(request):
    return HttpResponse("<p>for signed-in users</p>")


def open_page(request):
    """The same page with its login check removed."""
    return HttpResponse("<p>for signed-in users</p>")


def _team_events(teams):
    return JsonResponse([{"id": f"team-{team.pk}", "title": team.name} for team in teams], safe=False)


@login_required
def my_team_events(request):
    return _team_events(Team.objects.filter(memberships__user=request.user).order_by("pk"))


@login_required
def all_team_events(request):
    """The same feed with its scope removed: ids are strings, so only the object's marker shows the leak."""
    return _team_events(Team.objects.order_by("pk"))


urlpatterns = [
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    path("guarded/", guarded_page, name="guarded-page"),
    path("open/", open_page, name="open-page"),
    path("my-team-events/", my_team_events, name="my-team-events"),
    path("all-team-events/", all_team_events, name="all-team-events"),
    path("accounts/", include("accounts.urls")),
    path("", dashboard, name="dashboard"),  # the error pages link to the dashboard
]
