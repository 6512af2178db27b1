"""Filters of materials, shared by the API and the list page."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from materials.choices import MaterialKind, ReviewStatus
from materials.models import Material
from mrm.filters import FilterSet, IdNumberFilter


class MaterialFilter(FilterSet):
    campaign = IdNumberFilter(field_name="campaign", label=_("campaign"))
    team = IdNumberFilter(field_name="campaign__team", label=_("team"))
    kind = django_filters.MultipleChoiceFilter(choices=MaterialKind.choices, label=_("kind"))
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices, label=_("status"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"), max_length=100)

    class Meta:
        model = Material
        fields = ["campaign", "team", "kind", "status", "owner", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(campaign__code__icontains=value) | Q(campaign__name__icontains=value)
        )
