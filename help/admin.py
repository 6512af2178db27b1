"""Help in the Django admin: admins write articles here (search, filters, history).

An article is written in one or more languages (English, Russian): its
language versions are edited inline, and the filter *missing a language*
lists what still needs translating. Champions write and translate in the app
(``/help/articles/new/``, an article's *Edit* and *Translate* buttons).

Questions are asked, answered and published in the app, where the rules
(who may answer, notifications, escalation) live; here they are read, and an
admin may correct an answer's wording or withdraw it from the FAQ.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from help import services
from help.models import HelpArticle, HelpArticleTranslation, Question


class MissingLanguageFilter(admin.SimpleListFilter):
    """Articles without a version in a language: what is left to translate."""

    title = _("missing a language")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def queryset(self, request, queryset):
        if self.value() not in dict(settings.LANGUAGES):
            return queryset
        written = HelpArticleTranslation.objects.filter(article=OuterRef("pk"), language=self.value())
        return queryset.filter(~Exists(written))


class TranslationInline(admin.StackedInline):
    model = HelpArticleTranslation
    fields = ["language", "title", "body"]
    extra = 0
    min_num = 1
    max_num = len(settings.LANGUAGES)

    def get_formset(self, request, obj=None, **kwargs):
        # an article needs its text in at least one language (the admin does not validate min_num by itself)
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        """A blank form for each language not written yet (on a new article: one per language)."""
        if obj is None:
            return len(settings.LANGUAGES) - self.min_num
        return len(obj.missing_languages)


@admin.register(HelpArticle)
class HelpArticleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "slug", "language_list", "context_key", "published", "updated_at"]
    list_filter = ["published", MissingLanguageFilter, "context_key"]
    search_fields = ["slug", "context_key", "translations__title", "translations__body"]
    fields = ["slug", "context_key", "published"]
    inlines = [TranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("languages"))
    def language_list(self, obj) -> str:
        return ", ".join(obj.languages) or "—"


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "asked_by", "status", "answered_by", "answered_as", "is_faq", "created_at"]
    list_filter = ["status", "is_faq", "answered_as", "teams"]
    search_fields = ["body", "answer", "asked_by__username", "answered_by__username", "page_url", "page_title"]
    list_select_related = ["asked_by", "answered_by"]
    readonly_fields = [
        "asked_by",
        "body",
        "page_url",
        "page_view_name",
        "page_title",
        "teams",
        "status",
        "created_at",
        "escalated_at",
        "answered_by",
        "answered_as",
        "answered_at",
        "is_faq",
        "published_at",
        "assignee",
    ]
    fields = [*readonly_fields[:11], "answer", *readonly_fields[11:]]
    actions = ["withdraw_from_faq"]

    def has_add_permission(self, request):
        return False  # asked from a page, where the champions are notified

    @admin.action(description=_("Withdraw from the FAQ"))
    def withdraw_from_faq(self, request, queryset):
        for question in queryset.filter(is_faq=True):
            services.question_unpublish(question=question, by=request.user)
