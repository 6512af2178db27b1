"""Help in the Django admin: admins write articles here (search, filters, history).

Questions are asked, answered and published in the app, where the rules
(who may answer, notifications, escalation) live; here they are read, and an
admin may correct an answer's wording or withdraw it from the FAQ.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from help import services
from help.models import HelpArticle, Question


@admin.register(HelpArticle)
class HelpArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "context_key", "published", "updated_at"]
    list_filter = ["published", "context_key"]
    search_fields = ["title", "slug", "body", "context_key"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "context_key", "published", "body"]


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
    ]
    fields = [*readonly_fields[:11], "answer", *readonly_fields[11:]]
    actions = ["withdraw_from_faq"]

    def has_add_permission(self, request):
        return False  # asked from a page, where the champions are notified

    @admin.action(description=_("Withdraw from the FAQ"))
    def withdraw_from_faq(self, request, queryset):
        for question in queryset.filter(is_faq=True):
            services.question_unpublish(question=question, by=request.user)
