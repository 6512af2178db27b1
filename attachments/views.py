"""The attachments card every page that shows objects embeds, and the one way a file is downloaded.

A page (the campaign's, the funding request's) names the objects it shows
(``targets``: its own object and its parts) and lets :func:`card_response`
serve its card: the list, the upload of several files at once (drag and drop
or a plain multiple file input), the removal. The page's app routes the card's
address, so its own scoping finds the page's object first. Downloads are
served here, to whoever may read the object, never from a public media URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from attachments import services
from attachments.models import Attachment
from attachments.registry import get_target
from mrm.bounds import parse_id
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request

#: Files taken in one upload (a drop of a whole folder is not what a card is for).
MAX_FILES_PER_UPLOAD = 20


def card_context(request, *, url: str, targets: list[tuple[str, object]], error: str = "", notice: str = "") -> dict:
    """What the card shows for ``targets`` (``(kind, object)`` pairs the page's reader may read), in one query."""
    user = request.user
    labels, changeable, choices = {}, set(), []
    by_kind: dict[str, list[int]] = {}
    for kind, obj in targets:
        target = get_target(kind)
        key = (kind, obj.pk)
        labels[key] = target.label(obj)
        by_kind.setdefault(kind, []).append(obj.pk)
        if target.can_change(user, obj):
            changeable.add(key)
            choices.append({"value": f"{kind}:{obj.pk}", "label": labels[key], "kind": kind, "title": target.title})
    scope = Q(pk__in=[])
    for kind, ids in by_kind.items():
        scope |= Q(target_type=kind, target_id__in=ids)
    rows = list(Attachment.objects.filter(scope).select_related("uploaded_by", "removed_by"))
    first_kind = targets[0][0] if targets else ""
    for row in rows:
        key = (row.target_type, row.target_id)
        row.about = labels.get(key, "")
        row.about_page = row.target_type == first_kind and row.target_id == targets[0][1].pk
        row.can_remove = key in changeable
    return {
        "card": {
            "url": url,
            "present": [row for row in rows if row.removed_at is None],
            "removed": sorted((row for row in rows if row.removed_at is not None), key=lambda r: r.removed_at),
            "choices": choices,
            "accept": services.ACCEPT,
            "allowed": services.ALLOWED_LABEL,
            "max_mb": services.max_mb(),
            "max_files": MAX_FILES_PER_UPLOAD,
            "error": error,
            "notice": notice,
        }
    }


def _upload(request, targets) -> tuple[str, str]:
    kind, _sep, raw_id = request.POST.get("about", "").partition(":")
    chosen = next((obj for k, obj in targets if k == kind and str(obj.pk) == raw_id), None)
    if chosen is None:
        return _("Choose what the files are attached to among this page's own objects."), ""
    uploads = request.FILES.getlist("file")
    if not uploads:
        return _("Choose one or more files to attach."), ""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        return _("Attach at most %(count)s files at once.") % {"count": MAX_FILES_PER_UPLOAD}, ""
    refused, added = [], 0
    for upload in uploads:
        try:
            services.attachment_add(target_type=kind, target_id=chosen.pk, file=upload, by=request.user)
            added += 1
        except ValidationError as exc:
            refused.append(f"{upload.name}: {' '.join(exc.messages)}")
        except PermissionDenied as exc:
            return str(exc), ""
    notice = ngettext("%(count)s file attached.", "%(count)s files attached.", added) % {"count": added}
    return " ".join(refused), notice if added else ""


def _remove(request, targets) -> tuple[str, str]:
    raw = request.POST.get("remove", "")
    scope = Q(pk__in=[])
    for kind, obj in targets:
        scope |= Q(target_type=kind, target_id=obj.pk)
    attachment = Attachment.objects.filter(scope, pk=parse_id(raw)).first() if parse_id(raw) is not None else None
    if attachment is None:
        return _("This file is not attached here."), ""
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except (StateConflict, PermissionDenied) as exc:
        return str(exc), ""
    except ValidationError as exc:
        return " ".join(exc.messages), ""
    return "", _("“%(name)s” was removed; it stays in the history.") % {"name": attachment.name}


def card_response(request, *, url: str, targets: list[tuple[str, object]], back: str):
    """Serve a page's attachments card: GET shows it, POST attaches files (``about``, ``file``…) or removes one
    (``remove``). htmx swaps only successful answers, so a refusal comes back as the card with its error."""
    error = notice = ""
    if request.method == "POST":
        error, notice = _remove(request, targets) if "remove" in request.POST else _upload(request, targets)
        if not is_fragment_request(request):
            if notice:
                messages.success(request, notice)
            if error:
                messages.error(request, error)
            return HttpResponseRedirect(back.split("#")[0] + "#attachments")
    context = card_context(request, url=url, targets=targets, error=error, notice=notice)
    return render(request, "attachments/partials/_card.html", context)


def file_response(attachment: Attachment, user) -> FileResponse:
    """The file as a download; a removed one only for its object's editors (to readers it is gone: a 404)."""
    if attachment.removed_at is not None and not services.can_change(user, attachment):
        raise Http404(_("This file was removed."))
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def download(request, pk):
    """The file, to whoever may read its object (the page's link; the API has its own, for tokens)."""
    if parse_id(pk) is None:
        raise Http404
    return file_response(get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk), request.user)
