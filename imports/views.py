"""Importing in the browser, for every kind with a column-mapping step: upload, mapping, dry run, confirm, undo.

The same engine, checks and stored plan as ``/api/v1/imports/``
(docs/IMPORTS.md): the upload is stored and read in the background, the
preview pages the stored rows, confirming applies exactly them. Who may
import a kind is its importer's rule (``Importer.can_import``, PRODUCT.md
§2), asked through :func:`imports.services.importer_for` as the API asks
it; which jobs a user sees is ``ImportJob.objects.visible_to``.

One set of views serves two URL namespaces: ``imports`` (``/imports/``,
every kind) and ``campaigns`` (``/campaigns/import/``, the campaign kinds,
where marketers have always found them). Each page links within the
namespace it was reached by, through the same URL names
(``import_kind``, ``import_preview``, ``import_confirm``,
``import_mapping``, ``import_undo``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from imports import services as import_services
from imports.choices import JobStatus, RowOutcome
from imports.limits import check_upload_size
from imports.models import ImportJob
from imports.registry import Importer, importers
from mrm.exceptions import StateConflict
from mrm.htmx import page_or_fragment

PREVIEW_PAGE_SIZE = 100
#: The URL names each namespace serving these views defines.
PAGES = ("kind", "preview", "confirm", "mapping", "undo")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"})
    )
    source = forms.CharField(
        label=gettext_lazy("Source (optional)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Name the system or sheet the file comes from: its column mapping is remembered."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload.size)
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


def _served(request) -> dict[str, Importer]:
    """The kinds the namespace imports: ``imports`` every kind with a mapping step, another its section's."""
    namespace = request.resolver_match.namespace
    return {
        kind: importer
        for kind, importer in importers().items()
        if importer.column_choices() and namespace in ("imports", importer.section)
    }


def _urls(request) -> dict[str, str]:
    namespace = request.resolver_match.namespace
    return {page: f"{namespace}:import_{page}" for page in PAGES}


def _require_any(request) -> dict[str, Importer]:
    """Someone who may import none of the namespace's kinds gets a 403 (a job of a kind not theirs is a 404)."""
    served = _served(request)
    if not any(importer.can_import(request.user) for importer in served.values()):
        raise PermissionDenied(_("You may not import anything."))
    return served


def _jobs(request):
    return ImportJob.objects.visible_to(request.user).filter(kind__in=list(_require_any(request)))


def _title(importer: Importer) -> str:
    return str(importer.upload_title or importer.title)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind="campaigns"):
    """Step 1: upload the file (and the recent imports of the kind); nothing is written until confirmed."""
    served = _require_any(request)
    if kind not in served:
        raise Http404(_("No such import."))
    importer = import_services.importer_for(kind, request.user)  # PermissionDenied: a 403, as in the API
    urls = _urls(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        try:
            job = import_services.import_job_create(
                kind=kind,
                upload=form.cleaned_data["file"],
                by=request.user,
                mapping={"source": source} if source else None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return HttpResponseRedirect(reverse(urls["preview"], args=[job.pk]))
    jobs = _jobs(request).filter(kind=kind).select_related("created_by").defer("header", "result", "summary")
    columns = importer.template_columns()
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "kind": kind,
            "urls": urls,
            "title": _title(importer),
            "kinds": [
                (each, _title(other))
                for each, other in served.items()
                if other.section == importer.section and other.can_import(request.user)
            ],
            "columns": columns,
            "help": [str(text) % {"columns": ", ".join(columns)} for text in importer.upload_help],
            "back_url": importer.result_url(None),
            "page": Paginator(jobs, 10).get_page(request.GET.get("page")),
        },
        status=400 if form.errors else 200,
    )


def _mapping_rows(job: ImportJob, importer) -> list[dict]:
    """Each header of the file with the column it is read as: the job's mapping, the remembered one, or its own."""
    given = {h.casefold(): k for h, k in ((job.options or {}).get("columns") or {}).items()}
    saved = import_services.saved_mapping(job.kind, job.header or [], source=(job.options or {}).get("source_name", ""))
    if saved is None:
        saved = import_services.saved_mapping(job.kind, job.header or [])
    remembered = {h.casefold(): k for h, k in (saved.columns if saved else {}).items()}
    unknown = set((job.summary or {}).get("columns") or [])
    rows = []
    for index, header in enumerate(job.header or []):
        if not header.strip():
            continue
        folded = header.strip().casefold()
        key = given.get(folded, remembered.get(folded, importer.column_of(header) or ""))
        rows.append({"index": index, "header": header, "key": key, "unknown": header in unknown})
    return rows


def _job_context(request, job: ImportJob) -> dict:
    importer = _served(request)[job.kind]
    outcome = request.GET.get("outcome") or ""
    rows = job.rows.order_by("line")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    showing_rows = job.status not in (JobStatus.MAPPING,) and not job.is_working
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")) if showing_rows else None
    summary_labels = {
        "users": _("Users"),
        "teams": _("Teams"),
        "channels": _("Channels"),
        "parents": _("Parent campaigns"),
        "campaigns": _("Campaigns"),
        "activities": _("Activities"),
        "categories": _("Expense categories"),
        "periods": _("Fiscal periods"),
        "funding_requests": _("Funding requests"),
    }
    summary = {} if job.status == JobStatus.MAPPING else (job.summary or {})
    undo_objections = import_services.undoable_objections(job, request.user) if job.status == JobStatus.APPLIED else []
    return {
        "job": job,
        "urls": _urls(request),
        "title": _title(importer),
        "what": importer.title,
        "result_url": importer.result_url(job),
        "page": page,
        "outcome": outcome,
        "outcome_counts": [(value, label, int(job.counts.get(value, 0))) for value, label in RowOutcome.choices],
        "summary": [(summary_labels.get(key, key), names) for key, names in summary.items()],
        "mapping_rows": _mapping_rows(job, importer) if job.status == JobStatus.MAPPING else [],
        "column_choices": importer.column_choices(),
        "can_undo": job.status == JobStatus.APPLIED and not undo_objections,
        "undo_objections": undo_objections,
        "saved_mapping": (job.options or {}).get("saved_mapping"),
    }


@login_required
def import_preview(request, pk):
    """Step 2: the job's progress, the column mapping if the file needs one, then what the file would do, row by row."""
    job = get_object_or_404(_jobs(request).select_related("created_by", "applied_by", "undone_by"), pk=pk)
    template = page_or_fragment(request, "imports/job.html", "imports/partials/_job.html")
    return render(request, template, _job_context(request, job))


def _refused(request, exc) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


@login_required
@require_POST
def import_confirm(request, pk):
    """Step 3: the stored plan is applied in the background, exactly as previewed, once."""
    job = get_object_or_404(_jobs(request), pk=pk)
    try:
        import_services.import_job_confirm(job=job, by=request.user)
    except (ValidationError, StateConflict) as exc:
        _refused(request, exc)
    return HttpResponseRedirect(reverse(_urls(request)["preview"], args=[job.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    """The column-mapping step: each header of the file read as one of the importer's columns, or ignored.

    Shown by the preview while the job waits for it; reached from a dry run
    to change the mapping used. Posting reads the file again with it, and
    remembers it for the source (or the same headers).
    """
    job = get_object_or_404(_jobs(request), pk=pk)
    importer = _served(request)[job.kind]
    if request.method == "POST":
        columns, changed = {}, {}
        for index, header in enumerate(job.header or []):
            if header.strip():
                columns[header.strip()] = key = request.POST.get(f"column-{index}", "")
                own = importer.column_of(header)
                if own is None or key != own:  # a header MRM does not know is always given, even as ignored
                    changed[header.strip()] = key
        source = request.POST.get("source", "")
        try:
            # The whole form is checked (no key given twice); only what differs from the file's own headers is
            # kept, so the dry run names the other columns as the file writes them (``Сумма: ...``).
            import_services.clean_column_mapping(importer, {"columns": columns})
            import_services.import_job_map(job=job, mapping={"columns": changed, "source": source}, by=request.user)
        except (ValidationError, StateConflict) as exc:
            _refused(request, exc)
        return HttpResponseRedirect(reverse(_urls(request)["preview"], args=[job.pk]))
    context = _job_context(request, job)
    context["mapping_rows"] = _mapping_rows(job, importer)
    return render(request, "imports/mapping.html", context)


@login_required
@require_POST
def import_undo(request, pk):
    """Undo the last import of this kind while nothing depends on it (the reasons are shown when not)."""
    job = get_object_or_404(_jobs(request), pk=pk)
    try:
        import_services.import_job_undo(job=job, by=request.user)
    except (StateConflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import was undone."))
    return HttpResponseRedirect(reverse(_urls(request)["preview"], args=[job.pk]))
