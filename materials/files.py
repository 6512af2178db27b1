"""What a material version may be, recognised by its bytes, and where it is kept.

Only an allow-list of types is accepted, recognised by their content
(:mod:`mrm.files`, the one way the application decides what a file is): the
name and the browser's content type can lie. The file's extension must agree
with what its content is. The stored name is random (never the user's name as
a path) and lives outside any public URL: files and previews are served only
by ``materials.views``, to those who may see the material.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from materials.choices import MaterialKind
from mrm import files as generic
from mrm.files import FileType

__all__ = ["FileType", "TYPES", "BY_CONTENT_TYPE", "ACCEPT", "ALLOWED_LABEL", "KINDS", "sniff", "check_upload"]

#: The types a material version may be, and the material kind each belongs to.
KINDS = {
    "png": MaterialKind.IMAGE,
    "jpeg": MaterialKind.IMAGE,
    "gif": MaterialKind.IMAGE,
    "webp": MaterialKind.IMAGE,
    "pdf": MaterialKind.PDF,
    "mp4": MaterialKind.VIDEO,
    "docx": MaterialKind.OFFICE,
    "xlsx": MaterialKind.OFFICE,
    "pptx": MaterialKind.OFFICE,
}
TYPES = {code: generic.TYPES[code] for code in KINDS}
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES.values()}
ACCEPT = generic.accept_attribute(KINDS)
ALLOWED_LABEL = gettext_lazy("PNG, JPEG, GIF, WebP, PDF, MP4, DOCX, XLSX or PPTX")


def max_bytes() -> int:
    return int(settings.MRM_UPLOAD_MAX_MB) * 1024 * 1024


def sniff(handle) -> FileType | None:
    """The file's real type from its bytes, or ``None`` when it is none of a material's types."""
    return generic.sniff(handle, accept=KINDS)


def safe_name(name: str, file_type: FileType) -> str:
    """The original name made safe to show and to send back: letters, digits, ``-_.``, the right extension."""
    return generic.safe_name(name, file_type, default="material")


def storage_name(material_id: int, file_type: FileType) -> str:
    """A random stored name: the user's name never becomes a path."""
    return f"materials/{material_id}/{uuid.uuid4().hex}{file_type.extensions[0]}"


def check_upload(upload, *, kind: str) -> FileType:
    """Accept an upload only if small enough, of an allowed type by content, named accordingly, of the material's kind.

    Raises ``ValidationError`` on ``file`` with a message saying what to do.
    """
    generic.check_size(upload, max_mb=settings.MRM_UPLOAD_MAX_MB)
    file_type = sniff(upload)
    if file_type is None:
        raise ValidationError(
            {"file": _("This type of file is not accepted. Upload a %(types)s file.") % {"types": ALLOWED_LABEL}}
        )
    generic.check_extension(upload, file_type)
    if kind != MaterialKind.OTHER and KINDS[file_type.code] != kind:
        raise ValidationError(
            {
                "file": _("This material is of the kind “%(kind)s” but the file is %(type)s.")
                % {"kind": MaterialKind(kind).label, "type": file_type.label}
            }
        )
    return file_type
