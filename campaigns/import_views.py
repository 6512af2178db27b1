"""Importing campaigns from the old spreadsheets in the browser: upload, preview (the dry run), confirm.

The same engine and stored plan as ``/api/v1/imports/`` (docs/IMPORTS.md):
the upload is stored and read in the background, the preview pages the
stored rows, confirming applies exactly them. Marketers import their
teams' campaigns, admins any (PRODUCT.md §2).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import permissions
from campaigns.importers import CAMPAIGN_COLUMNS, CampaignsImporter, header_for
from imports import services as import_services
from imports.choices import RowOutcome
from imports.limits import check_upload_size
from imports.models import ImportJob
from mrm.exceptions import StateConflict
from mrm.htmx import page_or_fragment

KIND = CampaignsImporter.kind
PREVIEW_PAGE_SIZE = 100


class CampaignsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"})
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload.size)
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


def _require_importer(user) -> None:
    if not permissions.can_create_campaign(user):
        raise PermissionDenied(_("You may not import campaigns."))


def _jobs(user):
    return ImportJob.objects.visible_to(user).filter(kind=KIND)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_import(request):
    """Step 1: upload the file (and the recent campaign imports); nothing is written until confirmed."""
    _require_importer(request.user)
    form = CampaignsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_services.import_job_create(kind=KIND, upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return HttpResponseRedirect(reverse("campaigns:import_preview", args=[job.pk]))
    jobs = _jobs(request.user).select_related("created_by").defer("header", "result", "summary")
    return render(
        request,
        "campaigns/import_upload.html",
        {
            "form": form,
            "columns": [header_for(key) for key in CAMPAIGN_COLUMNS],
            "page": Paginator(jobs, 10).get_page(request.GET.get("page")),
        },
        status=400 if form.errors else 200,
    )


@login_required
def campaign_import_preview(request, pk):
    """Step 2: the job's progress, then what the file would do, row by row, from the stored plan."""
    _require_importer(request.user)
    job = get_object_or_404(_jobs(request.user).select_related("created_by", "applied_by"), pk=pk)
    outcome = request.GET.get("outcome") or ""
    rows = job.rows.order_by("line")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")) if not job.is_working else None
    summary_labels = {
        "users": _("Users"),
        "teams": _("Teams"),
        "channels": _("Channels"),
        "parents": _("Parent campaigns"),
    }
    context = {
        "job": job,
        "page": page,
        "outcome": outcome,
        "outcome_counts": [(value, label, int(job.counts.get(value, 0))) for value, label in RowOutcome.choices],
        "summary": [(summary_labels.get(key, key), names) for key, names in (job.summary or {}).items()],
    }
    template = page_or_fragment(request, "campaigns/import_preview.html", "campaigns/partials/_import_job.html")
    return render(request, template, context)


@login_required
@require_POST
def campaign_import_confirm(request, pk):
    """Step 3: the stored plan is applied in the background, exactly as previewed, once."""
    _require_importer(request.user)
    job = get_object_or_404(_jobs(request.user), pk=pk)
    try:
        import_services.import_job_confirm(job=job, by=request.user)
    except (ValidationError, StateConflict) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("campaigns:import_preview", args=[job.pk]))
