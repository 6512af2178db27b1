from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    HandoverRequestSerializer,
    HandoverSummarySerializer,
    TeamSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserHoldingsSerializer,
    UserSerializer,
)
from accounts.holdings import holdings_of
from accounts.lockout import locked_out_message
from accounts.models import Team, User
from mrm.api import ScopedReadOnlyViewSet


class TeamViewSet(ScopedReadOnlyViewSet):
    """Teams of the organisation (maintained by admins in the Django admin)."""

    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    filterset_fields = ["is_active"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]


class UserViewSet(ScopedReadOnlyViewSet):
    """Colleagues (to pick owners, sponsors and approvers) and the current user."""

    queryset = User.objects.with_roles_and_teams()
    serializer_class = UserSerializer
    filterset_fields = ["is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    ordering_fields = ["username", "id"]
    ordering = ["username"]

    @action(detail=False, methods=["get"])
    def me(self, request):
        """The signed-in user with roles and teams."""
        user = User.objects.with_roles_and_teams().get(pk=request.user.pk)
        return Response(self.get_serializer(user).data)

    def _admin_target(self, request) -> User:
        """Admins only (403 for everyone else, before any lookup), then the user by id (404 if unknown)."""
        if not request.user.is_mrm_admin:
            raise PermissionDenied(_("Only administrators manage users and handovers."))
        return self.get_object()

    @extend_schema(responses={200: UserHoldingsSerializer})
    @action(detail=True, methods=["get"])
    def holdings(self, request, pk=None):
        """What the user still holds, by kind (admins only): what a handover would move."""
        user = self._admin_target(request)
        held = [
            {
                "kind": h.kind,
                "label": str(h.label),
                "description": str(h.description),
                "count": h.count,
                "blocking": len(h.blocking_items),
                "items": [str(i) for i in h.items],
            }
            for h in holdings_of(user)
        ]
        data = {"user": user.pk, "total": sum(h["count"] for h in held), "holdings": held}
        return Response(UserHoldingsSerializer(data).data)

    @extend_schema(request=HandoverRequestSerializer, responses={200: HandoverSummarySerializer})
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """Hand everything the user holds to new holders in one transaction; optionally deactivate (admins only)."""
        user = self._admin_target(request)
        data = HandoverRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        summary = services.user_handover(
            user=user,
            by=request.user,
            to_user=data.validated_data.get("to_user"),
            assignments=data.validated_data.get("assignments") or {},
            deactivate=data.validated_data["deactivate"],
        )
        return Response(HandoverSummarySerializer(summary.as_dict()).data)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate the user; 400 with the list of what they hold while they hold anything (admins only)."""
        user = self._admin_target(request)
        services.user_deactivate(user=user, by=request.user)
        return Response(self.get_serializer(User.objects.with_roles_and_teams().get(pk=user.pk)).data)


class LoginThrottle(AnonRateThrottle):
    rate = "30/min"


class ObtainTokenView(APIView):
    """Exchange a username and password for the API token of that user."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request=request._request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except AxesBackendPermissionDenied as exc:
            raise PermissionDenied(locked_out_message()) from exc
        if getattr(request._request, "axes_locked_out", False):
            raise PermissionDenied(locked_out_message())
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given username and password.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
