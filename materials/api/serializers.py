"""Materials in the API (PRODUCT.md §8): snake_case, integer ids, files as authorised links.

Serializers validate the shape; the writes are ``materials.services``' (the
views call them), so the API keeps the same rules as the pages. File and
preview links point to the authorised views, never to MEDIA_URL.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign
from materials.models import Material, MaterialVersion


class MaterialVersionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    file_url = serializers.SerializerMethodField()
    previews = serializers.SerializerMethodField()
    approval_request = serializers.SerializerMethodField()

    class Meta:
        model = MaterialVersion
        fields = [
            "id",
            "material",
            "number",
            "label",
            "original_name",
            "content_type",
            "size",
            "note",
            "uploaded_by",
            "created_at",
            "preview_status",
            "previews",
            "file_url",
            "approved_at",
            "approval_request",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_file_url(self, version) -> str:
        return reverse("materials:file", args=[version.pk])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_previews(self, version) -> list[str]:
        return [page["url"] for page in version.preview_pages]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_approval_request(self, version) -> int | None:
        """The id of the version's open (else last) approval request; annotated by the view, no query."""
        return getattr(version, "approval_request_id", None)


class LatestVersionSerializer(MaterialVersionSerializer):
    class Meta(MaterialVersionSerializer.Meta):
        fields = [f for f in MaterialVersionSerializer.Meta.fields if f != "approval_request"]
        read_only_fields = fields


class MaterialSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    latest_version = LatestVersionSerializer(read_only=True, allow_null=True)
    approval_request = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "campaign",
            "title",
            "kind",
            "status",
            "owner",
            "latest_version",
            "approval_request",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "owner", "created_at", "updated_at"]
        # The model's default would be a guess; a client names the kind (a 400 without it).
        extra_kwargs = {"kind": {"required": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            self.fields["campaign"].queryset = Campaign.objects.visible_to(user)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_approval_request(self, material) -> int | None:
        """The id of the latest version's open (else last) approval request; annotated, no query."""
        return getattr(material, "approval_request_id", None)


class MaterialUpdateSerializer(MaterialSerializer):
    """A material stays in its campaign: an update names title and kind only."""

    class Meta(MaterialSerializer.Meta):
        read_only_fields = ["campaign", "status", "owner", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"] = serializers.PrimaryKeyRelatedField(read_only=True)


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG, JPEG, GIF, WebP, PDF, MP4, DOCX, XLSX or PPTX.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class MaterialSubmitSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class MaterialSubmitResultSerializer(serializers.Serializer):
    approval_request = serializers.IntegerField()
    version = serializers.CharField()
    status = serializers.CharField()
