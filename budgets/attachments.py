"""PO and invoice attachments on commitments and expenses: what is accepted, and how it is served.

The same upload rules as materials (:mod:`mrm.files`), on purpose —
one way the application decides what a file is: the type is recognised by
its first bytes and, for Office documents, by the parts inside the ZIP (the
name and the browser's content type can lie); the name's extension must
agree with the content; an empty file is refused. Of the types materials
accept, a PO or an invoice is only ever a PDF, a scan (PNG, JPEG) or an
Office document (XLSX, DOCX). Files larger than
``MRM_SPEND_ATTACHMENT_MAX_MB`` are refused. The stored name is random and
outside any public URL; the original (made safe) is kept for the download,
which only :func:`budgets.funding_views.spend_attachment` serves, to those
who may read the record, always as an attachment.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from mrm import files

# The material file types a commitment or an expense may carry.
ACCEPTED = ("pdf", "png", "jpeg", "xlsx", "docx")


def max_bytes() -> int:
    return int(settings.MRM_SPEND_ATTACHMENT_MAX_MB) * 1024 * 1024


def _refuse(message) -> None:
    raise ValidationError({"attachment": message})


def checked_attachment(upload) -> tuple[ContentFile, str]:
    """Read an upload and accept it only if small enough, really of an accepted type, and named accordingly."""
    size = getattr(upload, "size", None)
    limit = max_bytes()
    too_large = _("The file is larger than %(mb)s MB.") % {"mb": settings.MRM_SPEND_ATTACHMENT_MAX_MB}
    if size is not None and size > limit:
        _refuse(too_large)
    if size == 0:
        _refuse(_("The file is empty."))
    file_type = files.sniff(upload, accept=ACCEPTED)
    content = upload.read(limit + 1)
    if len(content) > limit:
        _refuse(too_large)
    if file_type is None or file_type.code not in ACCEPTED:
        _refuse(_("Attach a PDF, PNG, JPEG, XLSX or DOCX file."))
    name = (getattr(upload, "name", "") or "").replace("\\", "/")
    suffix = PurePath(name).suffix.lower()
    if suffix not in file_type.extensions:
        _refuse(
            _("The file's name ends in “%(suffix)s” but its content is %(type)s. Rename it to %(ext)s.")
            % {"suffix": suffix or _("no extension"), "type": file_type.label, "ext": file_type.extensions[0]}
        )
    return ContentFile(content), safe_name(name, suffix)


def safe_name(name: str, suffix: str) -> str:
    """The original name made safe to store and send back (letters, digits, ``-_.``), as materials do."""
    stem = PurePath(name).stem
    stem = get_valid_filename(stem)[:100] if stem.strip(". ") else ""
    return f"{stem or 'attachment'}{suffix}"


def content_type_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    for code in ACCEPTED:
        if suffix in files.TYPES[code].extensions:
            return files.TYPES[code].content_type
    return "application/octet-stream"
