"""Filters of questions and help articles, shared by the API and the question lists."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from help.choices import QuestionStatus
from help.languages import language_of
from help.models import HelpArticle, Question
from mrm.filters import BooleanFilter, FilterSet


class QuestionFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=QuestionStatus.choices, label=_("status"))
    is_faq = BooleanFilter(label=_("published as FAQ"))
    mine = BooleanFilter(method="filter_mine", label=_("asked by me"))
    to_answer = BooleanFilter(method="filter_to_answer", label=_("waiting for my answer"))
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


class HelpArticleFilter(FilterSet):
    context_key = django_filters.CharFilter(label=_("page"), max_length=120)
    published = BooleanFilter(label=_("published"))
    missing = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, method="filter_missing", label=_("not written in this language yet")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"), max_length=200)

    class Meta:
        model = HelpArticle
        fields = ["context_key", "published", "missing", "q"]

    def filter_missing(self, queryset, name, value):
        return queryset.missing_language(value) if value else queryset

    def filter_q(self, queryset, name, value):
        """Searched in the reader's language (``?lang=``, his saved language, his browser's), with the fallback."""
        request = self.request
        return queryset.search(value, language_of(getattr(request, "user", None), request.query_params.get("lang")))
