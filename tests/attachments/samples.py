"""Little real files of each kind an attachment may (or may not) be."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.materials.samples import image_bytes, office_bytes, pdf_bytes


def odf_bytes(kind: str = "text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def brief() -> SimpleUploadedFile:
    return upload("Brief v2.pdf", pdf_bytes(), "application/pdf")


def quote() -> SimpleUploadedFile:
    return upload("quote.xlsx", office_bytes("xlsx"))


__all__ = ["image_bytes", "office_bytes", "odf_bytes", "pdf_bytes", "upload", "brief", "quote"]
