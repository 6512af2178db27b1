"""Every write of attachments: attaching a file to an object, removing it (kept in history).

A file is accepted only if it is small enough (``MRM_ATTACHMENT_MAX_MB``), of
an allowed type recognised by its content (:mod:`mrm.files`: the name and the
browser's content type can lie), named with the extension its content calls
for, and passed by the virus scanner when one is configured
(``MRM_ATTACHMENT_SCANNER``). It is stored through Django's storage API under
a random name (the user's name never becomes a path) and served only by
:func:`attachments.views.download`, to whoever may read its object.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attachments.models import Attachment
from attachments.registry import AttachmentTarget, get_target
from mrm import files
from mrm.exceptions import StateConflict

logger = logging.getLogger(__name__)

#: What may be attached: PDF, images, Office and OpenDocument files, plain text and CSV.
ACCEPTED = ("pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "odt", "ods", "odp", "text")
ACCEPT = files.accept_attribute(ACCEPTED)
#: What a download may answer: the content types of the accepted types.
CONTENT_TYPES = tuple(dict.fromkeys(files.TYPES[code].content_type for code in ACCEPTED))
ALLOWED_LABEL = gettext_lazy("PDF, an image (PNG, JPEG, GIF, WebP), DOCX, XLSX, PPTX, ODT, ODS, ODP, TXT or CSV")


def max_mb() -> int:
    return int(settings.MRM_ATTACHMENT_MAX_MB)


def find_target(kind: str, target_id, user) -> tuple[AttachmentTarget, object]:
    """The object ``user`` may read, or a field error that says the same for hidden and missing objects
    (as ``comments.services.find_target`` does, in the words of DRF's related fields)."""
    target = get_target(kind or "")
    if target is None:
        raise ValidationError({"target_type": _("Attachments are not kept on this kind of object.")})
    found = target.visible(user).filter(pk=target_id).first() if str(target_id).isdigit() else None
    if found is None:
        raise ValidationError({"target_id": _("This object does not exist.")})
    return target, found


def target_of(attachment: Attachment, user) -> tuple[AttachmentTarget, object] | None:
    """The attachment's object as ``user`` may read it, or ``None``."""
    target = get_target(attachment.target_type)
    if target is None:
        return None
    found = target.visible(user).filter(pk=attachment.target_id).first()
    return (target, found) if found is not None else None


def can_change(user, attachment: Attachment) -> bool:
    found = target_of(attachment, user)
    return found is not None and found[0].can_change(user, found[1])


def check_file(upload) -> files.FileType:
    """Accept a file only if small enough, of an allowed type by content, named accordingly and clean.

    Raises ``ValidationError`` on ``file`` with a message saying what to do.
    """
    files.check_size(upload, max_mb=max_mb())
    file_type = files.sniff(upload, accept=ACCEPTED)
    if file_type is None:
        raise ValidationError(
            {"file": _("This type of file cannot be attached. Attach %(types)s.") % {"types": ALLOWED_LABEL}}
        )
    files.check_extension(upload, file_type)
    _scan(upload, file_type)
    return file_type


def _scan(upload, file_type: files.FileType) -> None:
    """The configured virus scanner's verdict: ``None`` is clean, a string says why the file is refused."""
    path = getattr(settings, "MRM_ATTACHMENT_SCANNER", "")
    if not path:
        return
    name = files.safe_name(getattr(upload, "name", ""), file_type, default="attachment")
    try:
        scanner = import_string(path)
        upload.seek(0)
        verdict = scanner(upload, name=name, content_type=file_type.content_type)
    except Exception:
        logger.exception("The attachment scanner %s failed on %s", path, name)
        verdict = _("The file could not be checked for viruses. Try again later.")
    finally:
        upload.seek(0)
    if verdict is None or verdict is True:
        return
    reason = verdict if isinstance(verdict, str) and verdict else _("The virus scanner refused this file.")
    raise ValidationError({"file": reason})


@transaction.atomic
def attachment_add(*, target_type: str, target_id, file, by) -> Attachment:
    """Attach a file to an object ``by`` may read and may edit (the target app's own edit rule).

    An object ``by`` may not read is answered exactly as a missing one. The
    file passes :func:`check_file` before anything is stored; a row that
    cannot be written leaves no stored file behind.
    """
    kind, target = find_target(target_type, target_id, by)
    if not kind.can_change(by, target):
        raise PermissionDenied(_("You may read this but not attach files to it."))
    file_type = check_file(file)
    file.seek(0)
    stored = default_storage.save(f"attachments/{kind.kind}/{uuid.uuid4().hex}{file_type.extensions[0]}", File(file))
    try:
        attachment = Attachment(
            target_type=kind.kind,
            target_id=target.pk,
            name=files.safe_name(getattr(file, "name", ""), file_type, default="attachment"),
            content_type=file_type.content_type,
            size=file.size,
            uploaded_by=by,
        )
        attachment.file.name = stored
        attachment._history_user = by
        attachment.save()
    except BaseException:
        default_storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> Attachment:
    """Take an attachment off its object, keeping the row, the file and a history entry (who, when).

    Only who may edit the object removes its files. The row is locked, so two
    people removing the same file at once record one removal; the second is
    told it is gone already (a state conflict).
    """
    found = target_of(attachment, by)
    if found is None:
        raise ValidationError({"attachment": _("This object does not exist.")})
    kind, target = found
    if not kind.can_change(by, target):
        raise PermissionDenied(_("You may read this but not remove its files."))
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.removed_at is not None:
        raise StateConflict(_("“%(name)s” was removed already.") % {"name": locked.name})
    locked.removed_at = timezone.now()
    locked.removed_by = by
    locked._history_user = by
    locked.save(update_fields=["removed_at", "removed_by"])
    return locked
