import django_filters

from mrm.filters import FilterSet
from notifications.choices import NotificationKind
from notifications.models import Notification


class NotificationFilter(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ("unread", "kind")
