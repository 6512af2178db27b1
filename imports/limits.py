"""The limits of what an import accepts, each configurable and each refused with a clear message.

Files come from people and other systems, and some are hostile: a 5 GB
upload, a million rows, or a 40 kB XLSX that expands to gigabytes (a zip
bomb). Each limit is checked as early as it can be: the size at upload,
the XLSX archive's declared sizes from its directory before anything is
decompressed, the rows while reading, the time while planning.

Settings (docs/OPERATIONS.md): ``MRM_IMPORT_MAX_UPLOAD_MB``,
``MRM_IMPORT_MAX_ROWS``, ``MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB``,
``MRM_IMPORT_MAX_XLSX_RATIO``, ``MRM_IMPORT_MAX_PARSE_SECONDS``.
"""

from __future__ import annotations

import io
import time
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024


def max_upload_bytes() -> int:
    return settings.MRM_IMPORT_MAX_UPLOAD_MB * MB


def max_rows() -> int:
    return settings.MRM_IMPORT_MAX_ROWS


def check_upload_size(size: int) -> None:
    """Refuse a file larger than ``MRM_IMPORT_MAX_UPLOAD_MB``."""
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size)s MB; imports accept at most %(limit)s MB.")
            % {"size": round(size / MB, 1), "limit": settings.MRM_IMPORT_MAX_UPLOAD_MB},
            code="too_large",
        )


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an XLSX whose parts would expand beyond the limits, before decompressing any of them.

    The zip directory declares each member's compressed and uncompressed
    size; a workbook whose total exceeds ``MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB``
    or whose compression ratio exceeds ``MRM_IMPORT_MAX_XLSX_RATIO`` (real
    spreadsheets compress about 5–20×, bombs thousands of times) is refused.
    A lying directory cannot help: openpyxl decompresses through ``zipfile``,
    which stops at the declared size.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("The file is not a readable XLSX workbook."), code="unreadable") from exc
    uncompressed = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    limit = settings.MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB * MB
    if uncompressed > limit:
        raise ValidationError(
            _("The workbook expands to %(size)s MB when opened; imports accept at most %(limit)s MB.")
            % {"size": round(uncompressed / MB, 1), "limit": settings.MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB},
            code="xlsx_too_large",
        )
    ratio = uncompressed / compressed
    if ratio > settings.MRM_IMPORT_MAX_XLSX_RATIO:
        raise ValidationError(
            _(
                "The workbook is compressed %(ratio)s times, more than the %(limit)s times a real spreadsheet "
                "is; it was refused as a possible zip bomb."
            )
            % {"ratio": int(ratio), "limit": settings.MRM_IMPORT_MAX_XLSX_RATIO},
            code="xlsx_ratio",
        )


def row_limit_error(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": limit},
        code="too_many_rows",
    )


class Deadline:
    """The parse-time limit: ``check()`` raises once ``MRM_IMPORT_MAX_PARSE_SECONDS`` have passed."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.MRM_IMPORT_MAX_PARSE_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise time_limit_error(self.seconds)


def time_limit_error(seconds) -> ValidationError:
    return ValidationError(
        _("Reading the file took longer than %(seconds)s seconds; split it into smaller files.")
        % {"seconds": int(seconds)},
        code="too_slow",
    )
