"""What a material version may be, recognised by its bytes, and where it is kept.

Only an allow-list of types is accepted, recognised by their first bytes
(magic numbers) and, for Office documents, by the parts inside the ZIP: the
name and the browser's content type can lie. The file's extension must agree
with what its content is. The stored name is random (never the user's name as
a path) and lives outside any public URL: files and previews are served only
by ``materials.views``, to those who may see the material.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from materials.choices import MaterialKind


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    kind: str
    preview: str  # "image", "pdf" or "" (none)


TYPES = {
    t.code: t
    for t in (
        FileType("png", "PNG", "image/png", (".png",), MaterialKind.IMAGE, "image"),
        FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), MaterialKind.IMAGE, "image"),
        FileType("gif", "GIF", "image/gif", (".gif",), MaterialKind.IMAGE, "image"),
        FileType("webp", "WebP", "image/webp", (".webp",), MaterialKind.IMAGE, "image"),
        FileType("pdf", "PDF", "application/pdf", (".pdf",), MaterialKind.PDF, "pdf"),
        FileType("mp4", "MP4", "video/mp4", (".mp4",), MaterialKind.VIDEO, ""),
        FileType(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            MaterialKind.OFFICE,
            "",
        ),
        FileType(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            MaterialKind.OFFICE,
            "",
        ),
        FileType(
            "pptx",
            "PPTX",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            MaterialKind.OFFICE,
            "",
        ),
    )
}
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES.values()}
ACCEPT = ",".join(ext for t in TYPES.values() for ext in t.extensions)
ALLOWED_LABEL = gettext_lazy("PNG, JPEG, GIF, WebP, PDF, MP4, DOCX, XLSX or PPTX")

# The part an Office Open XML package of each type must hold.
_OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


def max_bytes() -> int:
    return int(settings.MRM_UPLOAD_MAX_MB) * 1024 * 1024


def _sniff_zip(handle) -> str | None:
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for code, part in _OFFICE_PARTS.items():
        if part in names:
            return code
    return None


def sniff(handle) -> FileType | None:
    """The file's real type from its bytes, or ``None`` when it is none of the accepted ones."""
    handle.seek(0)
    head = handle.read(32)
    found = None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        found = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = "webp"
    elif head.startswith(b"%PDF-"):
        found = "pdf"
    elif head[4:8] == b"ftyp":
        found = "mp4"
    elif head.startswith(b"PK\x03\x04"):
        found = _sniff_zip(handle)
    handle.seek(0)
    return TYPES.get(found) if found else None


def safe_name(name: str, file_type: FileType) -> str:
    """The original name made safe to show and to send back: letters, digits, ``-_.``, the right extension."""
    path = PurePath((name or "").replace("\\", "/"))
    stem = get_valid_filename(path.stem)[:100] if path.stem.strip(". ") else ""
    suffix = path.suffix.lower()
    if suffix not in file_type.extensions:
        suffix = file_type.extensions[0]
    return f"{stem or 'material'}{suffix}"


def storage_name(material_id: int, file_type: FileType) -> str:
    """A random stored name: the user's name never becomes a path."""
    return f"materials/{material_id}/{uuid.uuid4().hex}{file_type.extensions[0]}"


def check_upload(upload, *, kind: str) -> FileType:
    """Accept an upload only if small enough, of an allowed type by content, named accordingly, of the material's kind.

    Raises ``ValidationError`` on ``file`` with a message saying what to do.
    """
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError({"file": _("Choose a file to upload.")})
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.MRM_UPLOAD_MAX_MB}})
    file_type = sniff(upload)
    if file_type is None:
        raise ValidationError(
            {"file": _("This type of file is not accepted. Upload a %(types)s file.") % {"types": ALLOWED_LABEL}}
        )
    suffix = PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).suffix.lower()
    if suffix not in file_type.extensions:
        raise ValidationError(
            {
                "file": _("The file's name ends in “%(suffix)s” but its content is %(type)s. Rename it to %(ext)s.")
                % {"suffix": suffix or _("no extension"), "type": file_type.label, "ext": file_type.extensions[0]}
            }
        )
    if kind != MaterialKind.OTHER and file_type.kind != kind:
        raise ValidationError(
            {
                "file": _("This material is of the kind “%(kind)s” but the file is %(type)s.")
                % {"kind": MaterialKind(kind).label, "type": file_type.label}
            }
        )
    return file_type
