"""Material pages: lists, the material page (versions, preview with pins, upload, submit), files.

Views are thin: reads go through ``visible_to`` and ``materials.selectors``,
writes through ``materials.services`` (and ``approvals.services`` for
comments); refusals become messages or form errors, never a 500. Files and
previews are served only here, after the visibility check, never from
MEDIA_URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import permissions as approval_permissions
from approvals.forms import DecisionForm
from approvals.models import ApprovalRequest
from approvals.services import approval_comment
from campaigns.models import Campaign
from materials import permissions, selectors, services
from materials.api.filters import MaterialFilter
from materials.choices import MaterialKind, ReviewStatus
from materials.forms import MaterialForm, PinForm, SubmitForm, UploadForm
from materials.models import Material, MaterialVersion
from mrm.bounds import parse_id
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request, page_or_fragment

PAGE_SIZE = 25


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _visible_material(request, pk) -> Material:
    return get_object_or_404(Material.objects.visible_to(request.user).with_list_data(), pk=pk)


def _visible_version(request, pk) -> MaterialVersion:
    return get_object_or_404(MaterialVersion.objects.visible_to(request.user).select_related("material"), pk=pk)


def _editable_campaigns(user):
    campaigns = Campaign.objects.visible_to(user).select_related("team").order_by("code")
    if user.is_mrm_admin:
        return campaigns
    return campaigns.filter(team_id__in=user.team_ids)


# --- lists ------------------------------------------------------------------------------------


@login_required
def material_list(request):
    """Every material the user may see (or one campaign's, ``?campaign=``), filtered, newest first."""
    base = selectors.materials_for_list(Material.objects.visible_to(request.user))
    filterset = MaterialFilter(request.GET or None, queryset=base, request=request)
    materials = base
    if filterset.is_bound:
        materials = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(materials.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    campaign = None
    campaign_id = filterset.form.cleaned_data.get("campaign") if filterset.is_bound and filterset.is_valid() else None
    if campaign_id:
        campaign = Campaign.objects.visible_to(request.user).filter(pk=campaign_id).first()
    template = page_or_fragment(request, "materials/list.html", "materials/partials/_list_results.html")
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "campaign": campaign,
            "kinds": MaterialKind.choices,
            "statuses": ReviewStatus.choices,
            "can_create": _editable_campaigns(request.user).exists(),
        },
    )


@login_required
def campaign_materials(request, campaign_pk):
    """The materials of one campaign: a panel of the campaign page (htmx), also a page of its own."""
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("team"), pk=campaign_pk)
    materials = list(
        selectors.materials_for_list(Material.objects.visible_to(request.user).filter(campaign=campaign)).order_by(
            "-updated_at", "-pk"
        )
    )
    template = page_or_fragment(request, "materials/campaign_materials.html", "materials/partials/_campaign_panel.html")
    return render(
        request,
        template,
        {"campaign": campaign, "materials": materials, "can_add": permissions.can_add_material(request.user, campaign)},
    )


# --- create -----------------------------------------------------------------------------------


@login_required
def material_create(request):
    """A new material on one of the user's teams' campaigns, optionally with its first file."""
    campaigns = _editable_campaigns(request.user)
    if not permissions.can_add_material_anywhere(request.user):
        raise PermissionDenied(_("Only marketers (for their teams' campaigns) and administrators add materials."))
    initial = {}
    if parse_id(request.GET.get("campaign")) is not None:
        initial["campaign"] = parse_id(request.GET["campaign"])
    form = MaterialForm(request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except (PermissionDenied, StateConflict) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The material was added."))
            return HttpResponseRedirect(material.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "materials/form.html", {"form": form}, status=status)


# --- the material page --------------------------------------------------------------------


def _page_context(request, material, version, **forms) -> dict:
    data = selectors.version_page_data(material, version, request.user)
    current = data["current_request"]
    decision_actions = approval_permissions.available_actions(current, request.user) if current else None
    return {
        "material": material,
        "version": version,
        "is_latest": version is not None and version.pk == material.latest_version_id,
        "actions": permissions.available_actions(material, request.user),
        "decision_actions": decision_actions,
        "can_pin": current is not None and approval_permissions.can_comment(request.user, current),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "pin_form": forms.get("pin_form") or PinForm(),
        "decision_form": DecisionForm(),
        "accept": services.files.ACCEPT,
        "allowed_types": services.files.ALLOWED_LABEL,
        "max_mb": services.files.max_bytes() // (1024 * 1024),
        "pin_base": "",
        "history": list(material.history.select_related("history_user").order_by("-history_date")[:20]),
        **data,
    }


def _page(request, material, version):
    """The material page; for an htmx request only the preview with its pins.

    The fragment is what the approval request page can load from the
    request's subject link (``hx-get="{{ approval.subject_url }}"``), so the
    approvers see the preview there too without approvals knowing materials.
    """
    if is_fragment_request(request):
        data = selectors.version_page_data(material, version, request.user)
        context = {"material": material, "version": version, "pins": data["pins"]}
        context["pin_base"] = version.get_absolute_url() if version else ""
        return render(request, "materials/partials/_approval_preview.html", context)
    return render(request, "materials/detail.html", _page_context(request, material, version))


@login_required
def material_detail(request, pk):
    """The material page, on its latest version."""
    material = _visible_material(request, pk)
    return _page(request, material, material.latest_version)


@login_required
def version_detail(request, pk):
    """The material page on one version: its preview with pins, its decisions and comments."""
    version = _visible_version(request, pk)
    material = _visible_material(request, version.material_id)
    return _page(request, material, version)


@login_required
@require_POST
def upload(request, pk):
    """Upload a new version; after requested changes it is resubmitted at once."""
    material = _visible_material(request, pk)
    if not permissions.can_edit_material(request.user, material):
        raise PermissionDenied(_("Only marketers of the campaign's team can upload versions of its materials."))
    form = UploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            version = services.material_version_upload(
                material=material, file=form.cleaned_data["file"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        except StateConflict as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            material.refresh_from_db()
            if material.status == ReviewStatus.IN_REVIEW:
                messages.success(
                    request,
                    _("%(version)s was uploaded and submitted for approval again: the workflow restarts on it.")
                    % {"version": version.label},
                )
            else:
                messages.success(request, _("%(version)s was uploaded.") % {"version": version.label})
            return HttpResponseRedirect(version.get_absolute_url())
    material.refresh_from_db()
    context = _page_context(request, material, material.latest_version, upload_form=form)
    return render(request, "materials/detail.html", context, status=status)


@login_required
@require_POST
def submit(request, pk):
    """Send the latest version for approval."""
    material = _visible_material(request, pk)
    if not permissions.can_edit_material(request.user, material):
        raise PermissionDenied(_("Only marketers of the campaign's team can submit its materials."))
    form = SubmitForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.material_submit(material=material, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        except StateConflict as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, _("Submitted for approval. The approvers were told."))
            return HttpResponseRedirect(material.get_absolute_url())
    material.refresh_from_db()
    context = _page_context(request, material, material.latest_version, submit_form=form)
    return render(request, "materials/detail.html", context, status=status)


@login_required
@require_POST
def pin(request, pk):
    """A comment on the version, pinned to a point of its preview (or not): never a decision."""
    version = _visible_version(request, pk)
    material = _visible_material(request, version.material_id)
    form = PinForm(request.POST)
    status = 400
    if form.is_valid():
        approval = (
            ApprovalRequest.objects.visible_to(request.user)
            .filter(pk=getattr(services.latest_request(version), "pk", None))
            .first()
        )
        if approval is None:
            form.add_error(None, _("Submit this version for approval first: comments belong to its review."))
            status = 409
        else:
            data = form.cleaned_data
            if data["page"] is not None and data["page"] > max(version.page_count, 1):
                form.add_error(None, _("This version has no such page."))
            else:
                try:
                    comment = approval_comment(
                        request=approval,
                        by=request.user,
                        body=data["body"],
                        page=data["page"],
                        x=data["x"],
                        y=data["y"],
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                    status = 403
                else:
                    messages.success(request, _("Your comment was added. It is not a decision."))
                    return HttpResponseRedirect(f"{version.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request, "materials/detail.html", _page_context(request, material, version, pin_form=form), status=status
    )


# --- files ------------------------------------------------------------------------------------------


def _open(field_file, name: str):
    from django.core.files.storage import default_storage

    try:
        return default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing.")) from None


@login_required
def version_file(request, pk):
    """The original file, to those who may see the material, always as a download."""
    version = _visible_version(request, pk)
    handle = _open(version.file, version.file.name)
    response = FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def version_preview(request, pk):
    """A preview image (PNG) of a version's page (``?page=``, default 1), to those who may see it, shown inline."""
    version = _visible_version(request, pk)
    raw = request.GET.get("page", "1")
    page = (parse_id(raw) or 0) if len(raw) < 6 else 0
    if not 1 <= page <= version.page_count:
        raise Http404(_("This version has no preview of that page."))
    handle = _open(None, version.previews[page - 1])
    response = FileResponse(handle, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{version.label}-p{page}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
