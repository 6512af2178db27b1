"""What an uploaded file really is, recognised by its bytes: one way for the whole application.

Materials, spend attachments and attachments on any object accept only an
allow-list of types each, recognised here by their first bytes (magic
numbers), for Office Open XML documents by the parts inside the ZIP and for
OpenDocument files by their ``mimetype`` entry: the name and the browser's
content type can lie. Each user of this module picks the codes it accepts
(:func:`sniff` with ``accept``), checks the size (:func:`check_size`) and that
the name's extension agrees with the content (:func:`check_extension`), and
keeps the original name only made safe (:func:`safe_name`), never as a path.

A low-floor module: it knows no material, campaign or budget.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    preview: str = ""  # "image", "pdf" or "" (none)


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

TYPES: dict[str, FileType] = {
    t.code: t
    for t in (
        FileType("png", "PNG", "image/png", (".png",), "image"),
        FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), "image"),
        FileType("gif", "GIF", "image/gif", (".gif",), "image"),
        FileType("webp", "WebP", "image/webp", (".webp",), "image"),
        FileType("pdf", "PDF", "application/pdf", (".pdf",), "pdf"),
        FileType("mp4", "MP4", "video/mp4", (".mp4",)),
        FileType("docx", "DOCX", _OOXML + "wordprocessingml.document", (".docx",)),
        FileType("xlsx", "XLSX", _OOXML + "spreadsheetml.sheet", (".xlsx",)),
        FileType("pptx", "PPTX", _OOXML + "presentationml.presentation", (".pptx",)),
        FileType("odt", "ODT", _ODF + "text", (".odt",)),
        FileType("ods", "ODS", _ODF + "spreadsheet", (".ods",)),
        FileType("odp", "ODP", _ODF + "presentation", (".odp",)),
        # Text has no magic number: text is what holds no control character and is no markup.
        FileType("text", "TXT/CSV", "text/plain", (".txt", ".csv")),
    )
}
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES.values()}

# The part an Office Open XML package of each type must hold.
_OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
# The ``mimetype`` entry an OpenDocument package starts with.
_ODF_MIMETYPES = {_ODF + "text": "odt", _ODF + "spreadsheet": "ods", _ODF + "presentation": "odp"}
#: How much of a file is read to decide whether it is text.
TEXT_SAMPLE = 64 * 1024
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"
_MARKUP = (b"<", b"\xef\xbb\xbf<")


def accept_attribute(codes: Iterable[str]) -> str:
    """The ``accept`` of a file input for these types (a hint for the browser; the server decides)."""
    return ",".join(ext for code in codes for ext in TYPES[code].extensions)


def _sniff_zip(handle) -> str | None:
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for code, part in _OFFICE_PARTS.items():
                    if part in names:
                        return code
                return None
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                return _ODF_MIMETYPES.get(mimetype)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def _is_text(handle) -> bool:
    """Plain text or CSV: no control characters (tabs and line breaks aside), not HTML, SVG or XML."""
    handle.seek(0)
    sample = handle.read(TEXT_SAMPLE)
    if not sample or sample.lstrip(b" \t\r\n").startswith(_MARKUP):
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (NULs between letters): refused, save as UTF-8
        return False
    return not any(byte in _CONTROL for byte in sample)


def sniff(handle, *, accept: Iterable[str] | None = None) -> FileType | None:
    """The file's real type from its bytes, or ``None`` when it is none of the known (or ``accept``-ed) ones."""
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
    elif accept is not None and "text" in accept and _is_text(handle):
        found = "text"
    handle.seek(0)
    if found is None or (accept is not None and found not in accept):
        return None
    return TYPES[found]


def suffix_of(name: str) -> str:
    return PurePath((name or "").replace("\\", "/")).suffix.lower()


def safe_name(name: str, file_type: FileType, *, default: str = "file") -> str:
    """The original name made safe to show and to send back: letters, digits, ``-_.``, the right extension."""
    path = PurePath((name or "").replace("\\", "/"))
    stem = get_valid_filename(path.stem)[:100] if path.stem.strip(". ") else ""
    suffix = path.suffix.lower()
    if suffix not in file_type.extensions:
        suffix = file_type.extensions[0]
    return f"{stem or default}{suffix}"


def check_size(upload, *, max_mb: int, field: str = "file") -> int:
    """The upload's size, refused when there is no file, it is empty or larger than ``max_mb`` MB."""
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError({field: _("Choose a file to upload.")})
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError({field: _("Choose a file to upload.")})
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > int(max_mb) * 1024 * 1024:
        raise ValidationError({field: _("The file is larger than %(mb)s MB.") % {"mb": max_mb}})
    return size


def check_extension(upload, file_type: FileType, *, field: str = "file") -> None:
    """The name's extension must say what the content is (a download opens in the right program, never another)."""
    suffix = suffix_of(getattr(upload, "name", ""))
    if suffix not in file_type.extensions:
        raise ValidationError(
            {
                field: _("The file's name ends in “%(suffix)s” but its content is %(type)s. Rename it to %(ext)s.")
                % {"suffix": suffix or _("no extension"), "type": file_type.label, "ext": file_type.extensions[0]}
            }
        )
