"""Filters of questions, shared by the API and the question lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from help.choices import QuestionStatus
from help.models import Question
from mrm.filters import FilterSet


class QuestionFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=QuestionStatus.choices, label=_("status"))
    is_faq = django_filters.BooleanFilter(label=_("published as FAQ"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("asked by me"))
    to_answer = django_filters.BooleanFilter(method="filter_to_answer", label=_("waiting for my answer"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"), max_length=100)

    class Meta:
        model = Question
        fields = ["status", "is_faq", "mine", "to_answer", "q"]

    def _user(self):
        return getattr(self.request, "user", None)

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user = self._user()
        return queryset.filter(asked_by=user) if value else queryset.exclude(asked_by=user)

    def filter_to_answer(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = Question.objects.to_answer_by(self._user()).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
