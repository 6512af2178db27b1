"""Questions and help articles in the API (PRODUCT.md §8): snake_case, integer ids.

Serializers validate the shape; ``help.services`` does the writes (the views
call them), so the API keeps the rules of the pages.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from help.models import Question


@extend_schema_field({"type": "string", "maxLength": 500, "pattern": r"^/(?!/)[^\s\u0000-\u001f]*$"})
class PageUrlField(serializers.CharField):
    """A path of this site or nothing (``help.services``: never another site's address)."""


class QuestionSerializer(serializers.ModelSerializer):
    asked_by = serializers.PrimaryKeyRelatedField(read_only=True)
    answered_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Who the question was handed over to with a champion's work."
    )
    body = serializers.CharField(max_length=4000, help_text="The question.")
    page_url = PageUrlField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="The MRM page it is asked from, e.g. /campaigns/12/.",
    )
    page_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = Question
        fields = [
            "id",
            "body",
            "status",
            "asked_by",
            "page_url",
            "page_view_name",
            "page_title",
            "answer",
            "answered_by",
            "answered_at",
            "assignee",
            "created_at",
            "escalated_at",
            "is_faq",
            "published_at",
        ]
        read_only_fields = [
            "status",
            "page_view_name",
            "answer",
            "answered_at",
            "created_at",
            "escalated_at",
            "is_faq",
            "published_at",
        ]


class AnswerSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000, help_text="The answer (Markdown).")


class ArticleVersionSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, read_only=True)
    title = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class HelpArticleSerializer(serializers.Serializer):
    """An article as its reader gets it: the version in his language, or the fallback (``is_fallback``).

    The reader's language is ``?lang=``, else his saved language, else his
    browser's (``Accept-Language``); ``translations`` lists every language the
    article is written in.
    """

    id = serializers.IntegerField(source="article.pk", read_only=True)
    slug = serializers.SlugField(source="article.slug", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The article's page.")
    context_key = serializers.CharField(
        source="article.context_key", read_only=True, help_text="The URL name of the page it helps with."
    )
    published = serializers.BooleanField(source="article.published", read_only=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, read_only=True, help_text="The language of title and body."
    )
    requested_language = serializers.ChoiceField(
        source="requested", choices=settings.LANGUAGES, read_only=True, help_text="The reader's language."
    )
    is_fallback = serializers.BooleanField(
        read_only=True, help_text="True when the article is not written in the reader's language yet."
    )
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(source="variant.body", read_only=True, help_text="Markdown.")
    body_html = serializers.CharField(read_only=True, help_text="The body rendered and sanitised.")
    updated_at = serializers.DateTimeField(read_only=True)
    available_languages = serializers.ListField(
        source="article.languages", child=serializers.CharField(), read_only=True
    )
    translations = ArticleVersionSerializer(source="article.translations.all", many=True, read_only=True)

    def to_representation(self, instance):
        return super().to_representation(instance.localized(self.context["language"]))
