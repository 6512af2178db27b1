"""Filters of change requests, shared by the API and the list page."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from changes.choices import ChangeStatus, TargetKind
from changes.models import ChangeRequest
from mrm.filters import FilterSet


class Scope:
    MINE = "mine"
    MY_TEAMS = "my_teams"
    CHOICES = [(MINE, _("Asked by me")), (MY_TEAMS, _("Affecting my teams"))]


class ChangeRequestFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices, label=_("status"))
    target_kind = django_filters.MultipleChoiceFilter(choices=TargetKind.choices, label=_("what to change"))
    scope = django_filters.ChoiceFilter(choices=Scope.CHOICES, method="filter_scope", label=_("show"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"), max_length=100)

    class Meta:
        model = ChangeRequest
        fields = ["status", "target_kind", "scope", "q"]

    def filter_scope(self, queryset, name, value):
        """Mine (asked by me) or affecting my teams; without it, everything the user may see."""
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        if value == Scope.MINE:
            return queryset.filter(requested_by_id=user.pk)
        if value == Scope.MY_TEAMS:
            return queryset.affecting_teams(list(user.team_ids))
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(what__icontains=value)
            | Q(why__icontains=value)
            | Q(workflow_template__name__icontains=value)
            | Q(expense_category__code__icontains=value)
            | Q(expense_category__name__icontains=value)
        )
