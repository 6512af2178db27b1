import django_filters
from django.db.models import Q

from mrm.filters import BooleanFilter, FilterSet
from notifications.choices import NotificationKind
from notifications.models import Notification


class NotificationFilter(FilterSet):
    """``?unread=true``: what the bell counts (unread and not resolved); ``?resolved=true|false``."""

    unread = BooleanFilter(method="filter_unread", label="unread")
    resolved = BooleanFilter(field_name="resolved_at", lookup_expr="isnull", exclude=True)
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ("unread", "resolved", "kind")

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        to_do = Q(read_at__isnull=True, resolved_at__isnull=True)
        return queryset.filter(to_do) if value else queryset.exclude(to_do)
