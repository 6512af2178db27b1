"""Filtersets shared by the htmx pages and the API (one definition of each filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from campaigns.choices import ActivityStatus, ActivityType, CampaignStatus, KPIMetric
from campaigns.models import KPI, Activity, Campaign, Channel, ChecklistItem, Task
from mrm.filters import BooleanFilter, DateFilter, FilterSet, IdFilter, IdsFilter


# Filters naming a campaign or an activity accept only ids the user may see:
# an unscoped choice list would answer "not a valid choice" for a missing id
# but an empty list for another team's confidential campaign, telling an
# outsider that it exists (PRODUCT.md §2).
def visible_campaigns(request):
    user = getattr(request, "user", None)
    return Campaign.objects.visible_to(user) if user is not None else Campaign.objects.none()


def visible_activities(request):
    user = getattr(request, "user", None)
    return Activity.objects.visible_to(user) if user is not None else Activity.objects.none()


def visible_tasks(request):
    user = getattr(request, "user", None)
    return Task.objects.visible_to(user) if user is not None else Task.objects.none()


class CampaignFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=CampaignStatus.choices, label=_("Status"))
    team = IdsFilter(queryset=Team.objects.all(), label=_("Team"))
    # Former employees too: "what did the person who left own?" is a question people ask (§7).
    owner = IdFilter(queryset=User.objects.all(), label=_("Owner"))
    sponsor = IdFilter(queryset=User.objects.all(), label=_("Sponsor"))
    channel = IdsFilter(field_name="channels", queryset=Channel.objects.all(), distinct=True, label=_("Channel"))
    starts_after = DateFilter(field_name="end_date", lookup_expr="gte", label=_("Running on or after"))
    ends_before = DateFilter(field_name="start_date", lookup_expr="lte", label=_("Running on or before"))
    confidential = BooleanFilter(label=_("Confidential"))
    parent = IdFilter(queryset=visible_campaigns, label=_("Parent programme"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("status", "status"),
            ("team__name", "team"),
            ("start_date", "start_date"),
            ("end_date", "end_date"),
            ("planned_cost", "planned_cost"),
            ("created_at", "created_at"),
        ),
        label=_("Ordering"),
    )

    class Meta:
        model = Campaign
        fields = ["search", "status", "team", "owner", "sponsor", "channel", "confidential", "parent"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(objective__icontains=value)
            | Q(tags__icontains=value)
        )


class ActivityFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    campaign = IdFilter(queryset=visible_campaigns, label=_("Campaign"))
    type = django_filters.MultipleChoiceFilter(choices=ActivityType.choices, label=_("Type"))
    status = django_filters.MultipleChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    channel = IdsFilter(queryset=Channel.objects.all(), label=_("Channel"))
    team = IdsFilter(field_name="campaign__team", queryset=Team.objects.all(), label=_("Team"))
    public = BooleanFilter(label=_("Public"))
    starts_after = DateFilter(field_name="end_date", lookup_expr="gte", label=_("Running on or after"))
    ends_before = DateFilter(field_name="start_date", lookup_expr="lte", label=_("Running on or before"))
    ordering = django_filters.OrderingFilter(
        fields=(("start_date", "start_date"), ("end_date", "end_date"), ("name", "name"), ("type", "type"))
    )

    class Meta:
        model = Activity
        fields = ["search", "campaign", "type", "status", "channel", "team", "public"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(location__icontains=value))


class TaskFilter(FilterSet):
    campaign = IdFilter(queryset=visible_campaigns, label=_("Campaign"))
    activity = IdFilter(queryset=visible_activities, label=_("Activity"))
    assignee = IdFilter(queryset=User.objects.all(), label=_("Assignee"))
    done = BooleanFilter(label=_("Done"))
    due_before = DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due on or before"))
    ordering = django_filters.OrderingFilter(fields=(("due_date", "due_date"), ("title", "title")))

    class Meta:
        model = Task
        fields = ["campaign", "activity", "assignee", "done"]


class KPIFilter(FilterSet):
    campaign = IdFilter(queryset=visible_campaigns, label=_("Campaign"))
    metric = django_filters.MultipleChoiceFilter(choices=KPIMetric.choices, label=_("Metric"))
    ordering = django_filters.OrderingFilter(fields=(("metric", "metric"),))

    class Meta:
        model = KPI
        fields = ["campaign", "metric"]


class ChecklistItemFilter(FilterSet):
    task = IdFilter(queryset=visible_tasks, label=_("Task"))

    class Meta:
        model = ChecklistItem
        fields = ["task"]
