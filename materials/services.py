"""Every write of materials (PRODUCT.md §5): create, upload a version, submit, react to decisions.

Uploads are validated by content (``materials.files``) and stored under a
random name; previews are made by a Celery task recorded in the outbox with
the upload (and asked for again by the sweeper if it is lost). Submitting
opens an approval request (kind ``material_version``) on the latest version;
a version uploaded after "request changes" resubmits by itself, so the
workflow restarts on the new version while the decisions on the old one stay
on record against it. The approvals engine calls back the ``on_*`` functions
(registered in ``MaterialsConfig.ready``) inside its own transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import RequestStatus, SubjectKind
from approvals.models import ApprovalRequest
from approvals.services import approval_submit
from materials import files, permissions
from materials.choices import MaterialKind, PreviewStatus, ReviewStatus
from materials.messages import NOTE_NEW_VERSION
from materials.models import Material, MaterialVersion
from mrm.exceptions import StateConflict
from mrm.messages import decode_note
from mrm.messages import note as make_note
from outbox.events import publish
from outbox.services import enqueue, recently_enqueued

TITLE_MAX = 200
NOTE_MAX = 4000
PREVIEWS_TASK = "materials.tasks.generate_material_previews_task"


def previews_dedupe_key(version_id: int) -> str:
    return f"materials.previews:{version_id}"


def _text(value, *, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return text


def _kind(value) -> str:
    if value not in MaterialKind.values:
        raise ValidationError({"kind": _("Choose image, PDF, video, office document or other.")})
    return value


def _set_status(material: Material, status: str, *, by=None) -> None:
    """The one transition of a material's review status, recorded in its history."""
    material.status = status
    material._history_user = by
    material.save(update_fields=["status", "updated_at"])


@transaction.atomic
def material_create(*, campaign, title: str, kind: str, by, file=None, note: str = "") -> Material:
    """Add a material to a campaign (its team's marketers, admins: §2), with its first version if a file is given."""
    if campaign is None:
        raise ValidationError({"campaign": _("Choose a campaign.")})
    if not permissions.can_add_material(by, campaign):
        raise PermissionDenied(_("Only marketers of the campaign's team can add materials to it."))
    material = Material(
        campaign=campaign,
        title=_text(title, field="title", limit=TITLE_MAX, required=True),
        kind=_kind(kind),
        owner=by,
    )
    if file is not None:
        files.check_upload(file, kind=material.kind)  # refuse before anything is written
    material._history_user = by
    material.save()
    if file is not None:
        material_version_upload(material=material, file=file, note=note, by=by)
        material.refresh_from_db()
    return material


@transaction.atomic
def material_update(*, material: Material, by, **fields) -> Material:
    """Rename a material or change its kind (only while no version exists: the files decide it after)."""
    if not permissions.can_edit_material(by, material):
        raise PermissionDenied(_("Only marketers of the campaign's team can change its materials."))
    locked = Material.objects.select_for_update().get(pk=material.pk)
    if "campaign" in fields and fields["campaign"] is not None and fields["campaign"].pk != locked.campaign_id:
        raise ValidationError({"campaign": _("A material stays in its campaign; add a new one to the other campaign.")})
    if "title" in fields:
        locked.title = _text(fields["title"], field="title", limit=TITLE_MAX, required=True)
    if "kind" in fields and fields["kind"] != locked.kind:
        if locked.latest_version_id is not None:
            raise ValidationError({"kind": _("The kind cannot change once a version is uploaded.")})
        locked.kind = _kind(fields["kind"])
    locked._history_user = by
    locked.save()
    return locked


def _open_request(material: Material) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            subject_kind=SubjectKind.MATERIAL_VERSION,
            object_id__in=material.versions.values("pk"),
            status=RequestStatus.IN_PROGRESS,
        )
        .order_by("-submitted_at")
        .first()
    )


def latest_request(version: MaterialVersion) -> ApprovalRequest | None:
    """The version's open request, else its last one (where its discussion lives)."""
    return (
        ApprovalRequest.objects.for_subject(version)
        .filter(subject_kind=SubjectKind.MATERIAL_VERSION)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@transaction.atomic
def material_version_upload(*, material: Material, file, by, note: str = "") -> MaterialVersion:
    """Upload a new version (PRODUCT.md §5).

    Refused while a version is under review (withdraw its request first), so
    approvers never decide on a file that changed under them. The file must
    pass ``materials.files.check_upload`` (size cap, allowed type by content,
    matching extension, the material's kind). After "request changes" the new
    version is submitted at once: the workflow restarts on it.
    """
    if not permissions.can_edit_material(by, material):
        raise PermissionDenied(_("Only marketers of the campaign's team can upload versions of its materials."))
    locked = Material.objects.select_for_update().get(pk=material.pk)
    note = _text(note, field="note", limit=NOTE_MAX)
    file_type = files.check_upload(file, kind=locked.kind)
    open_request = _open_request(locked)
    if open_request is not None:
        raise StateConflict(
            _("%(version)s is under review: withdraw its approval request before uploading a new version.")
            % {"version": open_request.subject_version or _("The latest version")}
        )
    number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    file.seek(0)
    stored = default_storage.save(files.storage_name(locked.pk, file_type), File(file))
    try:
        return _record_version(locked, material, stored, file, file_type, number=number, note=note, by=by)
    except BaseException:
        default_storage.delete(stored)  # nothing recorded: no orphan file either
        raise


def _record_version(locked, material, stored, file, file_type, *, number, note, by) -> MaterialVersion:
    version = MaterialVersion(
        material=locked,
        number=number,
        original_name=files.safe_name(getattr(file, "name", ""), file_type),
        content_type=file_type.content_type,
        size=file.size,
        note=note,
        uploaded_by=by,
        preview_status=PreviewStatus.PENDING if file_type.preview else PreviewStatus.NONE,
    )
    version.file.name = stored
    version._history_user = by
    version.save()
    resubmit = locked.status == ReviewStatus.CHANGES_REQUESTED
    previous_reason = ""
    if resubmit:
        last = latest_request(locked.latest_version) if locked.latest_version_id else None
        previous_reason = last.reason if last is not None else ""
    locked.latest_version = version
    locked.status = ReviewStatus.DRAFT
    locked._history_user = by
    locked.save(update_fields=["latest_version", "status", "updated_at"])
    if resubmit:
        if note or (previous_reason and not decode_note(previous_reason)):
            _submit(locked, version, by=by, reason=note or previous_reason)
        else:  # the system's own reason, rendered in each reader's language
            _submit(locked, version, by=by, system_reason=previous_reason or make_note(NOTE_NEW_VERSION))
    if file_type.preview:
        enqueue(PREVIEWS_TASK, args=[version.pk], dedupe_key=previews_dedupe_key(version.pk))
    publish("material.version_uploaded", version)
    material.refresh_from_db()
    return version


def _submit(
    material: Material, version: MaterialVersion, *, by, reason: str = "", system_reason: str = ""
) -> ApprovalRequest:
    request = approval_submit(
        subject=version, kind=SubjectKind.MATERIAL_VERSION, by=by, reason=reason, system_reason=system_reason
    )
    _set_status(material, ReviewStatus.IN_REVIEW, by=by)
    return request


@transaction.atomic
def material_submit(*, material: Material, by, reason: str = "") -> ApprovalRequest:
    """Send the latest version for approval under the material workflow (PRODUCT.md §5).

    409 when a request is open already, when nothing is uploaded, or when the
    latest version was decided (approved, rejected, sent back: upload a new
    version instead).
    """
    if not permissions.can_edit_material(by, material):
        raise PermissionDenied(_("Only marketers of the campaign's team can submit its materials."))
    locked = Material.objects.select_for_update().get(pk=material.pk)
    reason = _text(reason, field="reason", limit=NOTE_MAX)
    if locked.latest_version_id is None:
        raise StateConflict(_("Upload a file first: there is no version to submit."))
    if _open_request(locked) is not None:
        raise StateConflict(_("This material already has an open approval request."))
    if locked.status not in permissions.SUBMITTABLE:
        raise StateConflict(
            _("The latest version was already decided (%(status)s): upload a new version to submit again.")
            % {"status": ReviewStatus(locked.status).label.lower()}
        )
    request = _submit(locked, locked.latest_version, by=by, reason=reason)
    material.refresh_from_db()
    return request


# --- previews ---------------------------------------------------------------------------


def version_previews_generate(*, version_id: int) -> str | None:
    """Make the preview images of a version (idempotent: a version with previews is left alone).

    Runs in a Celery task after the upload is committed; returns the preview
    status, or ``None`` when the version is gone.
    """
    from materials import previews

    version = MaterialVersion.objects.filter(pk=version_id).first()
    if version is None:
        return None
    if version.preview_status in (PreviewStatus.READY, PreviewStatus.NONE):
        return version.preview_status
    file_type = files.BY_CONTENT_TYPE.get(version.content_type)
    if file_type is None or not file_type.preview:
        status, names = PreviewStatus.NONE, []
    else:
        try:
            with version.file.open("rb") as handle:
                images = previews.render(file_type.preview, handle)
            names = previews.store(version.file.name, images)
            status = PreviewStatus.READY if names else PreviewStatus.FAILED
        except (previews.PreviewError, OSError) as exc:
            previews.logger.warning("No preview for material version %s: %s", version_id, exc)
            status, names = PreviewStatus.FAILED, []
    MaterialVersion.objects.filter(pk=version_id).update(previews=names, preview_status=status)
    return status


def previews_sweep(*, now: datetime.datetime | None = None) -> int:
    """Previews still being prepared long after the upload: ask again, or give them up.

    Their task was lost (a worker killed mid-render, a broker that lost its
    queue). Past ``MRM_PREVIEW_STUCK_MINUTES`` the task is recorded again
    through the outbox, at most once per that period; past
    ``MRM_PREVIEW_GIVE_UP_HOURS`` the version shows "could not be prepared"
    (the file itself is unaffected and downloadable). Returns how many
    versions were handled.
    """
    now = now or timezone.now()
    stuck_since = now - datetime.timedelta(minutes=settings.MRM_PREVIEW_STUCK_MINUTES)
    give_up_before = now - datetime.timedelta(hours=settings.MRM_PREVIEW_GIVE_UP_HOURS)
    pending = MaterialVersion.objects.filter(preview_status=PreviewStatus.PENDING)
    handled = pending.filter(created_at__lt=give_up_before).update(preview_status=PreviewStatus.FAILED)
    for version_id in pending.filter(created_at__lt=stuck_since).values_list("pk", flat=True):
        key = previews_dedupe_key(version_id)
        if recently_enqueued(dedupe_key=key, since=stuck_since):
            continue
        with transaction.atomic():
            enqueue(PREVIEWS_TASK, args=[version_id], dedupe_key=key)
        handled += 1
    return handled


# --- the approvals engine calls back (inside its transaction, request row locked) ---------


def _material_of(request) -> tuple[Material, MaterialVersion] | tuple[None, None]:
    version = MaterialVersion.objects.select_related("material").filter(pk=request.object_id).first()
    if version is None:
        return None, None
    return Material.objects.select_for_update().get(pk=version.material_id), version


def _decided(request, status: str) -> None:
    material, version = _material_of(request)
    if material is None or material.latest_version_id != version.pk:
        return  # an older version's outcome: kept on its request, the material moved on
    _set_status(material, status, by=None)


def on_material_approved(request, approved_amount=None) -> None:
    """The last stage approved: the version is approved (and so is the material, if it is the latest)."""
    material, version = _material_of(request)
    if version is None:
        return
    MaterialVersion.objects.filter(pk=version.pk).update(approved_at=timezone.now())
    if material.latest_version_id == version.pk:
        _set_status(material, ReviewStatus.APPROVED)


def on_material_changes_requested(request) -> None:
    _decided(request, ReviewStatus.CHANGES_REQUESTED)


def on_material_rejected(request) -> None:
    _decided(request, ReviewStatus.REJECTED)


def on_material_cancelled(request) -> None:
    _decided(request, ReviewStatus.WITHDRAWN)
