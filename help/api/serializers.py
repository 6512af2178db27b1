"""Questions in the API (PRODUCT.md §8): snake_case, integer ids.

Serializers validate the shape; ``help.services`` does the writes (the views
call them), so the API keeps the rules of the pages.
"""

from rest_framework import serializers

from help.models import Question


class QuestionSerializer(serializers.ModelSerializer):
    asked_by = serializers.PrimaryKeyRelatedField(read_only=True)
    answered_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    body = serializers.CharField(max_length=4000, help_text="The question.")
    page_url = serializers.CharField(
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
