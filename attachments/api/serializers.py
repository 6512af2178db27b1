from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from attachments.models import Attachment
from attachments.registry import kinds
from mrm.bounds import MAX_ID


class AttachmentSerializer(serializers.ModelSerializer):
    """A file on an object; ``target_type`` and ``target_id`` name the object, as for comments.

    ``download_url`` serves the file to whoever may read the object (never a public media address),
    to token clients too.
    """

    target_type = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Not required here: the service says "Choose a file" after checking who may attach (403 before 400).
    file = serializers.FileField(
        write_only=True,
        required=False,
        help_text="PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX, ODT, ODS, ODP, TXT or CSV, by content.",
    )
    uploaded_by_name = serializers.CharField(source="uploaded_by.full_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "target_type",
            "target_id",
            "file",
            "name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "removed_at",
            "removed_by",
            "download_url",
        ]
        read_only_fields = [
            "name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "removed_at",
            "removed_by",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [(kind, kind) for kind in kinds()]

    def get_download_url(self, attachment) -> str:
        return reverse("api:attachment-download", args=[attachment.pk])
