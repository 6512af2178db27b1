"""Who may see which campaign: the one place (PRODUCT.md §2).

Every list, page, board, timeline, calendar, ICS feed, embed feed and API
endpoint reads campaigns (and their activities, tasks and KPIs) through
``visible_to(user)``. Confidential campaigns are visible only to the team's
members, the owner, the sponsor, users or groups granted ``view_campaign`` on
the object (django-guardian, direct foreign-key tables), finance, leadership
and admins — plus whatever the registered confidential-access grants add (see
below). Reports add campaigns up over the viewer's one scope (``in_scope``,
:mod:`accounts.scope`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.db import connection, models
from django.db.models import Q
from django.db.models import sql as sql_query
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.choices import Role
from accounts.scope import sees_all_teams

# Higher floors may widen who sees a confidential campaign without this module
# knowing them. Each grant takes a user and returns a Q over Campaign, e.g.
# approvals will register "approvers of the campaign's open approval requests".
ConfidentialAccessGrant = Callable[[object], Q]
_CONFIDENTIAL_ACCESS_GRANTS: list[ConfidentialAccessGrant] = []


def register_confidential_access(grant: ConfidentialAccessGrant) -> ConfidentialAccessGrant:
    """Add a rule letting more people see confidential campaigns (idempotent)."""
    if grant not in _CONFIDENTIAL_ACCESS_GRANTS:
        _CONFIDENTIAL_ACCESS_GRANTS.append(grant)
    return grant


def confidential_access_grants() -> tuple[ConfidentialAccessGrant, ...]:
    return tuple(_CONFIDENTIAL_ACCESS_GRANTS)


# --- approvers of open approval requests -------------------------------------
# PRODUCT.md §2 lets approvers of a confidential campaign's open approval
# requests see it. The approvals app registers that rule here with
# ``register_confidential_access`` once approval requests exist.


def campaign_visibility_q(user, prefix: str = "") -> Q | None:
    """The condition a campaign (reached through ``prefix``) must meet to be visible.

    ``None`` means "everything" (finance, leadership and admins). Anonymous
    and inactive users see nothing, which callers express with ``.none()``.

    Built once per user object, prefix and day: building it (a dozen subqueries
    from the grants) costs Django more than PostgreSQL spends running it, and a
    request asks several times (the list, its filters' choices, the calendar's
    two kinds). The condition holds subqueries, not ids, so it stays true to the
    database; what it reads from the user (teams, roles) is cached on the user
    object already. Its subqueries are compiled to SQL once per process for the
    same person, teams, role and day (:func:`_shared_condition`).
    """
    if sees_all_teams(user):
        return None
    memo = user.__dict__.setdefault("_mrm_campaign_visibility", {})
    key = (prefix, timezone.localdate())
    if key not in memo:
        memo[key] = _shared_condition(user, prefix, key[1])
    return memo[key]


# The conditions built in this process, by everything they are built from (at most _SHARED_MAX of them).
_SHARED: OrderedDict[tuple, Q] = OrderedDict()
_SHARED_MAX = 2048
_SHARED_LOCK = threading.Lock()


def _shared_condition(user, prefix: str, day) -> Q:
    """The user's condition, its subqueries compiled to SQL once per process (issue 16).

    Every request builds a new user object, and building the grants' dozen
    subqueries, adding them to the list and its count and compiling them again
    each time was a third of a marketer's campaign list in Python (~8 ms of
    CPU, where the CMO's has none). The condition is a function of what it is
    built from — the person, their teams, whether they read by role, the day
    (stand-ins are by day), the registered grants and the database — so it is
    kept under exactly that, and its subqueries stay subqueries: a grant given
    or taken back counts at once.
    """
    key = (
        connection.vendor,
        user.pk,
        user.is_active,
        user.team_ids,
        user.has_role(Role.MARKETER, Role.APPROVER),
        prefix,
        day,
        confidential_access_grants(),
    )
    with _SHARED_LOCK:
        condition = _SHARED.get(key)
        if condition is not None:
            _SHARED.move_to_end(key)
            return condition
    condition = _compiled_subqueries(_campaign_visibility_q(user, prefix))
    with _SHARED_LOCK:
        _SHARED[key] = condition
        if len(_SHARED) > _SHARED_MAX:
            _SHARED.popitem(last=False)
    return condition


def forget_shared_conditions() -> None:
    """Drop the conditions kept in this process (tests that count how often one is built)."""
    with _SHARED_LOCK:
        _SHARED.clear()


def _compiled_subqueries(condition: Q) -> Q:
    """The same condition, each ``field__in=<queryset>`` with the queryset's SQL compiled once.

    The SQL is the queryset's own (ordering dropped, as Django drops it in an
    ``IN``); only the work of building and compiling it again is saved.
    """
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            child = _compiled_subqueries(child)
        elif isinstance(child, tuple) and isinstance(child[1], models.QuerySet):
            field, queryset = child
            # As Django makes a queryset a subquery: its own aliases (U0, V0, ...), no ordering.
            query = queryset.query.resolve_expression(sql_query.Query(queryset.model))
            query.clear_ordering(force=True)
            sql, params = query.get_compiler(queryset.db).as_sql()
            child = (field, RawSQL(sql, params))  # noqa: S611 - the queryset's own SQL, its parameters bound
        children.append(child)
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def _campaign_visibility_q(user, prefix: str) -> Q:
    from campaigns.models import CampaignGroupObjectPermission, CampaignUserObjectPermission

    involved = (
        Q(team_id__in=user.team_ids)
        | Q(owner_id=user.pk)
        | Q(sponsor_id=user.pk)
        | Q(
            pk__in=CampaignUserObjectPermission.objects.filter(
                user_id=user.pk, permission__codename="view_campaign"
            ).values("content_object_id")
        )
        | Q(
            pk__in=CampaignGroupObjectPermission.objects.filter(
                group__user=user, permission__codename="view_campaign"
            ).values("content_object_id")
        )
    )
    for grant in _CONFIDENTIAL_ACCESS_GRANTS:
        involved |= grant(user)
    # Readers by role see every non-confidential campaign; without a role, a
    # person sees only what they are personally involved in.
    reader = user.has_role(Role.MARKETER, Role.APPROVER)
    condition = (Q(confidential=False) | involved) if reader else involved
    if not prefix:
        return condition
    return _prefixed(condition, prefix)


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same condition over a related campaign (``campaign__...``)."""
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            field, value = child
            children.append((f"{prefix}{field}", value))
    prefixed = Q(*children, _connector=condition.connector, _negated=condition.negated)
    return prefixed


def _visible(queryset: models.QuerySet, user, prefix: str) -> models.QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = campaign_visibility_q(user, prefix)
    return queryset if condition is None else queryset.filter(condition)


def open_launch_request_id(outer: str = "pk"):
    """The id of the campaign's open launch approval request, as a subquery (``None`` when none is open)."""
    from approvals.choices import RequestStatus, SubjectKind
    from approvals.models import ApprovalRequest

    return models.Subquery(
        ApprovalRequest.objects.filter(
            subject_kind=SubjectKind.CAMPAIGN_LAUNCH, object_id=models.OuterRef(outer), status=RequestStatus.IN_PROGRESS
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns the user may read (PRODUCT.md §2)."""
        return _visible(self, user, "")

    def in_scope(self, scope):
        """The campaigns a report counts for a viewer of ``scope``: all, or those of the viewer's teams."""
        return scope.restrict(self, "team")

    def with_list_data(self):
        """What lists, the board and the API show per row, fetched up front.

        ``pending_launch_request`` is the id of the campaign's open launch
        approval request (or ``None``): pages and the API stop offering
        "Launch" while one waits (``permissions.available_actions``).
        """
        return (
            self.select_related("team", "owner", "sponsor")  # the parent by its id only: the detail page joins it
            .prefetch_related("channels")
            .annotate(pending_launch_request=open_launch_request_id())
        )

    def overlapping(self, start, end):
        """Campaigns whose span touches [start, end]; undated ones are left out."""
        return self.filter(start_date__lte=end, end_date__gte=start)


class CampaignPartQuerySet(models.QuerySet):
    """Activities, tasks and KPIs: visible exactly when their campaign is."""

    def visible_to(self, user):
        return _visible(self, user, "campaign__")

    def in_scope(self, scope):
        return scope.restrict(self, "campaign__team")


class ChecklistItemQuerySet(models.QuerySet):
    """A task's checklist items: visible exactly when the task's campaign is."""

    def visible_to(self, user):
        return _visible(self, user, "task__campaign__")


class ActivityQuerySet(CampaignPartQuerySet):
    def with_list_data(self):
        return self.select_related("campaign", "campaign__team", "channel", "owner")

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)

    def public(self):
        """Activities that may appear on the public calendar.

        Flagged public, not cancelled, of a campaign that is neither
        confidential nor a draft nor cancelled: the public page must never
        show something the organisation has not committed to.
        """
        from campaigns.choices import ActivityStatus, CampaignStatus

        return (
            self.filter(public=True, campaign__confidential=False)
            .exclude(status=ActivityStatus.CANCELLED)
            .exclude(campaign__status__in=[CampaignStatus.DRAFT, CampaignStatus.CANCELLED])
        )


class CalendarFeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own feeds only: the token is their secret."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner_id=user.pk)


class ChannelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Channels are shared vocabulary: every signed-in user sees them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()


class CampaignTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The gallery: admins see every template, marketers those not confidential and their teams' own."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_mrm_admin:
            return self
        if not user.has_role(Role.MARKETER):
            return self.none()
        return self.filter(models.Q(confidential=False) | models.Q(team_id__in=user.team_ids))
