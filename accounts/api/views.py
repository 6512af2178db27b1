from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services, throttling
from accounts.api.serializers import (
    ApiTokenSerializer,
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
from accounts.models import ApiToken, Team, User
from accounts.tokens import token_issue, token_revoke
from mrm.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from mrm.client_ip import client_ip


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


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token of that user (PRODUCT.md §8).

    Each call issues a new token, named ``name`` (default "Token") and valid
    for ``MRM_TOKEN_DAYS``; the key is in the answer this once. The caller's
    tokens are listed and revoked at ``/api/v1/auth/tokens/``. Failed attempts
    count against the username at this address (lockout, 403) and against the
    address (throttle, 429), as on the login page.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [throttling.SignInRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Missing fields, or a wrong username or password."),
            403: OpenApiResponse(DetailSerializer, description="Sign-in for this username is locked at this address."),
            429: OpenApiResponse(DetailSerializer, description="Too many attempts from this address; see Retry-After."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        http_request = request._request
        try:
            user = authenticate(
                request=http_request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except AxesBackendPermissionDenied as exc:
            raise PermissionDenied(locked_out_message()) from exc
        if throttling.is_throttled(http_request):
            raise Throttled(
                wait=throttling.seconds_left(client_ip(http_request)),
                detail=throttling.throttled_message(http_request),
            )
        if getattr(http_request, "axes_locked_out", False):
            raise PermissionDenied(locked_out_message())
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given username and password.")]}
            )
        throttling.attempt_succeeded(http_request)
        issued = token_issue(user=user, name=data.validated_data.get("name", ""))
        return Response(
            TokenSerializer(
                {
                    "token": issued.key,
                    "id": issued.token.pk,
                    "name": issued.token.name,
                    "expires_at": issued.token.expires_at,
                }
            ).data,
            status=status.HTTP_200_OK,
        )


@extend_schema_view(
    list=extend_schema(summary="The caller's API tokens (in force or expired; never the keys)."),
    retrieve=extend_schema(summary="One of the caller's API tokens."),
    destroy=extend_schema(
        summary="Revoke one of the caller's API tokens: it authenticates nobody from now on.",
        responses={204: None, 404: OpenApiResponse(DetailSerializer, description="Not one of the caller's tokens.")},
    ),
)
class ApiTokenViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens: list them, revoke one with ``DELETE``; another user's token is a 404.

    New tokens come from ``POST /api/v1/auth/token/`` (username and password)
    or the profile page, not from here: a token must not mint its own
    successor, or an expiry would mean nothing.
    """

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    filterset_fields: list = []
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "expires_at", "last_used_at", "name", "id"]
    ordering = ["-created_at", "-id"]

    def perform_destroy(self, instance):
        token_revoke(token=instance, by=self.request.user)
