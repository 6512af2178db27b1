"""The shape of ``GET /api/v1/search/?q=`` (PRODUCT.md §8): hits grouped by type."""

from rest_framework import serializers


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The object's id (a help article's id for a help article hit).")
    type = serializers.CharField(help_text="The group's type: campaign, activity, task, material, ...")
    kind = serializers.CharField(
        help_text="The kind of object: the type, except among vendors (commitment or expense)."
    )
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page of the object in MRM (a path).")
    context = serializers.CharField(help_text="A line placing the hit: its campaign, status, date.")
    snippet = serializers.CharField(help_text="A passage of the matching text, where the type has one.")
    rank = serializers.FloatField(help_text="Relevance; higher is better (comparable within a type).")


class SearchGroupSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField(help_text="The type's name in the reader's language.")
    has_more = serializers.BooleanField(help_text="More hits of this type than listed (ask with type and offset).")
    results = SearchHitSerializer(many=True, source="hits")


class SearchResultsSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The search text as searched (spaces collapsed).")
    groups = SearchGroupSerializer(many=True)
