"""PO and invoice attachments on commitments and expenses: what is accepted, and how it is served.

Only the types finance works with are accepted, recognised by their first
bytes (the name and the browser's content type can lie): PDF, PNG, JPEG,
and XLSX/DOCX (a ZIP holding the Office parts). Files larger than
``MRM_SPEND_ATTACHMENT_MAX_MB`` are refused. The stored name is random and
outside any public URL; the original (made safe) is kept for the download,
which only :func:`budgets.views.spend_attachment` serves, to those who may
read the record, always as an attachment.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": {".pdf"}, "png": {".png"}, "jpg": {".jpg", ".jpeg"}, "xlsx": {".xlsx"}, "docx": {".docx"}}


def max_bytes() -> int:
    return int(settings.MRM_SPEND_ATTACHMENT_MAX_MB) * 1024 * 1024


def sniff(content: bytes) -> str | None:
    """The file's real type from its bytes, or ``None`` when it is none of the accepted ones."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
            if any(name.startswith("word/") for name in names):
                return "docx"
    return None


def safe_name(name: str, kind: str) -> str:
    """A file name safe to store and to send back: letters, digits, ``-_.``; the right extension."""
    stem = get_valid_filename(PurePath(name or "").stem)[:100] or "attachment"
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in EXTENSIONS[kind]:
        suffix = sorted(EXTENSIONS[kind])[0] if kind != "jpg" else ".jpg"
    return f"{stem}{suffix}"


def checked_attachment(upload) -> tuple[ContentFile, str]:
    """Read an upload and accept it only if it is small enough and really of an allowed type."""
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            {"attachment": _("The file is larger than %(mb)s MB.") % {"mb": settings.MRM_SPEND_ATTACHMENT_MAX_MB}}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {"attachment": _("The file is larger than %(mb)s MB.") % {"mb": settings.MRM_SPEND_ATTACHMENT_MAX_MB}}
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationError({"attachment": _("Attach a PDF, PNG, JPEG, XLSX or DOCX file.")})
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix and suffix not in EXTENSIONS[kind]:
        raise ValidationError(
            {
                "attachment": _("The file's name says %(suffix)s but its content is %(kind)s.")
                % {"suffix": suffix, "kind": kind.upper()}
            }
        )
    return ContentFile(content), safe_name(getattr(upload, "name", ""), kind)


def content_type_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    for kind, suffixes in EXTENSIONS.items():
        if suffix in suffixes:
            return CONTENT_TYPES[kind]
    return "application/octet-stream"
