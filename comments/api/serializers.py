from __future__ import annotations

from rest_framework import serializers

from comments.models import MAX_BODY, Comment
from comments.registry import kinds


class ObjectCommentSerializer(serializers.ModelSerializer):
    """A comment; ``target_type`` and ``target_id`` name what it is about (a campaign, activity, task)."""

    target_type = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1)
    body = serializers.CharField(max_length=MAX_BODY)
    author_name = serializers.CharField(source="author.full_name", read_only=True)
    mentions = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "target_type", "target_id", "body", "author", "author_name", "mentions", "created_at"]
        read_only_fields = ["author", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [(kind, kind) for kind in kinds()]
