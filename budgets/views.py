"""Budget pages: the allocations grid, the finance structure, imports and the unmapped queue.

Views are thin: they scope reads with ``visible_to(user)``, check the
predicates of :mod:`budgets.permissions`, and hand every write to
:mod:`budgets.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.models import Team
from budgets import selectors, services
from budgets.choices import ActualLineStatus, ImportKind
from budgets.forms import (
    ActualLineCategoryForm,
    ActualLineMapForm,
    ActualLineStatusForm,
    ActualsUploadForm,
    AllocationCellForm,
    ExpenseCategoryForm,
    FiscalPeriodForm,
    FiscalYearCreateForm,
    FiscalYearForm,
    ImportSourceForm,
    ImportUploadForm,
    add_service_errors,
)
from budgets.models import (
    ActualLine,
    BudgetAllocation,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    ImportSource,
)
from budgets.permissions import available_actions, require_budget_maintainer, require_budget_reader
from imports import services as import_services
from imports.choices import JobStatus, RowOutcome
from imports.models import ImportJob
from imports.registry import get_importer
from mrm.bounds import parse_id
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request, page_or_fragment


def _context(request, **extra):
    return {"budget_actions": available_actions(request.user), **extra}


def _grid_url(period) -> str:
    url = reverse("budgets:index")
    return f"{url}?{urlencode({'period': period.pk})}" if period else url


# --- the allocations grid ------------------------------------------------------


@login_required
def index(request):
    """Periods and the allocations grid of one period (categories × teams, totals in SQL)."""
    require_budget_reader(request.user)
    periods = list(selectors.periods_for(request.user))
    period = None
    if request.GET.get("period"):
        period = next((p for p in periods if str(p.pk) == request.GET["period"]), None)
        if period is None:
            raise Http404(_("No such fiscal period."))
    period = period or selectors.default_period(periods)
    grid = selectors.allocation_grid(user=request.user, period=period)
    template = page_or_fragment(request, "budgets/index.html", "budgets/partials/_grid.html")
    return render(request, template, _context(request, periods=periods, period=period, grid=grid))


@login_required
@require_http_methods(["GET", "POST"])
def allocation_cell(request, period_pk, team_pk, category_pk):
    """Edit one cell of the grid: a small form in place (htmx) or its own page."""
    require_budget_maintainer(request.user)
    period = get_object_or_404(FiscalPeriod.objects.visible_to(request.user), pk=period_pk)
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_pk)
    category = get_object_or_404(ExpenseCategory.objects.visible_to(request.user), pk=category_pk)
    allocation = BudgetAllocation.objects.filter(period=period, team=team, category=category).first()
    initial = {"amount": allocation.amount, "note": allocation.note} if allocation else {}
    form = AllocationCellForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_set(
                period=period,
                team=team,
                category=category,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if is_fragment_request(request):
                grid = selectors.allocation_grid(user=request.user, period=period)
                return render(request, "budgets/partials/_grid.html", _context(request, period=period, grid=grid))
            messages.success(request, _("The allocation was saved."))
            return HttpResponseRedirect(_grid_url(period))
    context = _context(
        request,
        form=form,
        period=period,
        team=team,
        category=category,
        allocation=allocation,
        history=selectors.history_of(allocation) if allocation and not is_fragment_request(request) else [],
    )
    if is_fragment_request(request):
        # htmx swaps only successful responses: a refused amount comes back as the cell's form with its error.
        response = render(request, "budgets/partials/_cell_form.html", context)
        return reswap(retarget(response, "closest td"), "innerHTML") if form.errors else response
    return render(request, "budgets/allocation_cell.html", context, status=400 if form.errors else 200)


# --- fiscal years and periods ---------------------------------------------------


@login_required
def years(request):
    require_budget_reader(request.user)
    fiscal_years = list(FiscalYear.objects.visible_to(request.user).prefetch_related("periods"))
    # Totals of the allocations this user may see (a marketer: their teams'), summed by the database.
    allocated = dict(
        BudgetAllocation.objects.visible_to(request.user)
        .values("period__year")
        .annotate(total=Sum("amount"))
        .values_list("period__year", "total")
    )
    for year in fiscal_years:
        year.allocated = allocated.get(year.pk)
    return render(request, "budgets/years.html", _context(request, years=fiscal_years))


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request):
    require_budget_maintainer(request.user)
    form = FiscalYearCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.fiscal_year_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(year)s was created with its periods.") % {"year": year.name})
            return HttpResponseRedirect(reverse("budgets:years"))
    return _form_page(request, form, title=_("New fiscal year"), cancel=reverse("budgets:years"))


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request, pk):
    require_budget_maintainer(request.user)
    year = get_object_or_404(FiscalYear.objects.visible_to(request.user), pk=pk)
    form = FiscalYearForm(
        request.POST or None, initial={"name": year.name, "start_date": year.start_date, "end_date": year.end_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_year_update(year=year, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The fiscal year was saved."))
            return HttpResponseRedirect(reverse("budgets:years"))
    title = _("Edit %(name)s") % {"name": year.name}
    return _form_page(request, form, title=title, cancel=reverse("budgets:years"), audited=year)


@login_required
@require_POST
def year_delete(request, pk):
    require_budget_maintainer(request.user)
    year = get_object_or_404(FiscalYear.objects.visible_to(request.user), pk=pk)
    try:
        services.fiscal_year_delete(year=year, by=request.user)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(year)s was deleted.") % {"year": year.name})
    return HttpResponseRedirect(reverse("budgets:years"))


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request, year_pk):
    require_budget_maintainer(request.user)
    year = get_object_or_404(FiscalYear.objects.visible_to(request.user), pk=year_pk)
    form = FiscalPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_period_create(year=year, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The period was added."))
            return HttpResponseRedirect(reverse("budgets:years"))
    title = _("New period of %(year)s") % {"year": year.name}
    return _form_page(request, form, title=title, cancel=reverse("budgets:years"))


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    require_budget_maintainer(request.user)
    period = get_object_or_404(FiscalPeriod.objects.visible_to(request.user).select_related("year"), pk=pk)
    initial = {k: getattr(period, k) for k in ("name", "kind", "start_date", "end_date")}
    form = FiscalPeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_period_update(period=period, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The period was saved."))
            return HttpResponseRedirect(reverse("budgets:years"))
    title = _("Edit %(name)s") % {"name": period.name}
    return _form_page(request, form, title=title, cancel=reverse("budgets:years"), audited=period)


@login_required
@require_POST
def period_delete(request, pk):
    require_budget_maintainer(request.user)
    period = get_object_or_404(FiscalPeriod.objects.visible_to(request.user), pk=pk)
    try:
        services.fiscal_period_delete(period=period, by=request.user)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(period)s was deleted.") % {"period": period.name})
    return HttpResponseRedirect(reverse("budgets:years"))


# --- categories -------------------------------------------------------------------


@login_required
def categories(request):
    """Finance's chart of accounts as a tree."""
    require_budget_reader(request.user)
    queryset = ExpenseCategory.objects.visible_to(request.user).annotate(allocation_count=Count("allocations"))
    tree = selectors.category_tree(queryset)
    return render(request, "budgets/categories.html", _context(request, tree=tree))


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk=None):
    require_budget_maintainer(request.user)
    category = get_object_or_404(ExpenseCategory.objects.visible_to(request.user), pk=pk) if pk else None
    form = ExpenseCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if category:
                services.category_update(category=category, by=request.user, **fields)
            else:
                services.category_create(by=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The category was saved."))
            return HttpResponseRedirect(reverse("budgets:categories"))
    title = _("Edit %(name)s") % {"name": category.code} if category else _("New expense category")
    return _form_page(request, form, title=title, cancel=reverse("budgets:categories"), audited=category)


@login_required
@require_POST
def category_delete(request, pk):
    require_budget_maintainer(request.user)
    category = get_object_or_404(ExpenseCategory.objects.visible_to(request.user), pk=pk)
    try:
        services.category_delete(category=category, by=request.user)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(code)s was deleted.") % {"code": category.code})
    return HttpResponseRedirect(reverse("budgets:categories"))


# --- imports ----------------------------------------------------------------------

IMPORT_TITLES = {
    ImportKind.CATEGORIES: gettext_lazy("Import expense categories"),
    ImportKind.ALLOCATIONS: gettext_lazy("Import budget allocations"),
    ImportKind.ACTUALS: gettext_lazy("Import accounting actuals"),
}


PREVIEW_PAGE_SIZE = 100
#: Budgets' imports with the column-mapping step, whose pages are the import engine's (``imports:``).
MAPPED_IMPORTS = ("funding_requests", "expenses", "commitments")


@login_required
def imports(request):
    require_budget_maintainer(request.user)
    jobs = ImportJob.objects.visible_to(request.user).filter(kind__in=[*ImportKind.values, *MAPPED_IMPORTS])
    page = Paginator(jobs.select_related("created_by").defer("header", "result"), 25).get_page(request.GET.get("page"))
    return render(
        request, "budgets/imports.html", _context(request, page=page, kinds=ImportKind, mapped_kinds=MAPPED_IMPORTS)
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    """Step 1: upload a file; it is stored and read in the background, the next page follows its progress."""
    require_budget_maintainer(request.user)
    if kind not in ImportKind.values:
        raise Http404(_("No such import."))
    form_class = ActualsUploadForm if kind == ImportKind.ACTUALS else ImportUploadForm
    form = form_class(request.POST or None, request.FILES or None)
    if kind == ImportKind.ACTUALS:
        form.fields["source"].queryset = ImportSource.objects.visible_to(request.user).filter(is_active=True)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data.get("source")
        try:
            job = import_services.import_job_create(
                kind=kind,
                upload=form.cleaned_data["file"],
                mapping={"source": source.pk} if source else None,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("budgets:import_preview", args=[job.pk]))
    return render(
        request,
        "budgets/import_upload.html",
        _context(request, form=form, kind=ImportKind(kind), title=IMPORT_TITLES[kind]),
        status=400 if form.errors else 200,
    )


@login_required
def import_preview(request, pk):
    """Step 2: the job's progress, then the dry run paged from the stored plan; nothing written yet.

    An htmx poll gets the status fragment only, every second while the
    file is read or applied; the plan is never computed here.
    """
    require_budget_maintainer(request.user)
    jobs = ImportJob.objects.visible_to(request.user).filter(kind__in=ImportKind.values)
    job = get_object_or_404(jobs.select_related("created_by", "applied_by"), pk=pk)
    outcome = request.GET.get("outcome") or ""
    rows = job.rows.order_by("line")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")) if not job.is_working else None
    importer = get_importer(job.kind)
    context = _context(
        request,
        job=job,
        page=page,
        outcome=outcome,
        outcome_counts=[(value, label, int(job.counts.get(value, 0))) for value, label in RowOutcome.choices],
        all_or_nothing=importer.all_or_nothing if importer else True,
        result_url=importer.result_url(job) if importer and job.status == JobStatus.APPLIED else "",
        title=IMPORT_TITLES[job.kind],
    )
    template = page_or_fragment(request, "budgets/import_preview.html", "budgets/partials/_import_job.html")
    return render(request, template, context)


@login_required
@require_POST
def import_apply(request, pk):
    """Step 3: confirm — the stored plan is applied in the background, exactly as previewed, once."""
    require_budget_maintainer(request.user)
    jobs = ImportJob.objects.visible_to(request.user).filter(kind__in=ImportKind.values)
    job = get_object_or_404(jobs, pk=pk)
    try:
        import_services.import_job_confirm(job=job, by=request.user)
    except (ValidationError, StateConflict) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("budgets:import_preview", args=[job.pk]))


# --- accounting sources and the unmapped queue -----------------------------------------


@login_required
def sources(request):
    require_budget_maintainer(request.user)
    queryset = ImportSource.objects.visible_to(request.user).annotate(line_count=Count("lines"))
    return render(request, "budgets/sources.html", _context(request, sources=queryset))


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk=None):
    require_budget_maintainer(request.user)
    source = get_object_or_404(ImportSource.objects.visible_to(request.user), pk=pk) if pk else None
    form = ImportSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_source_save(source=form.instance, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The import source was saved."))
            return HttpResponseRedirect(reverse("budgets:sources"))
    title = _("Edit %(name)s") % {"name": source.name} if source else _("New import source")
    return _form_page(request, form, title=title, cancel=reverse("budgets:sources"), audited=source)


@login_required
def actuals(request):
    """The unmapped queue: accounting lines no funding request covers yet (spend without a request)."""
    require_budget_maintainer(request.user)
    status = request.GET.get("status", ActualLineStatus.UNMAPPED)
    if status not in ActualLineStatus.values and status != "all":
        status = ActualLineStatus.UNMAPPED
    lines = ActualLine.objects.visible_to(request.user).with_related()
    if status != "all":
        lines = lines.filter(status=status)
    batch_id = parse_id(request.GET.get("batch"))
    if batch_id is not None:
        lines = lines.filter(batch_id=batch_id)
    query = request.GET.get("q", "").strip()
    if query:
        lines = lines.filter(
            Q(vendor__icontains=query)
            | Q(document_number__icontains=query)
            | Q(comment__icontains=query)
            | Q(request_number__icontains=query)
        )
    totals = lines.aggregate(total=Sum("amount"), count=Count("pk"))
    page = Paginator(lines.order_by("date", "source__name", "line_number"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "budgets/actuals.html",
        _context(
            request,
            page=page,
            status=status,
            statuses=ActualLineStatus,
            query=query,
            batch_id=batch_id if batch_id is not None else "",
            totals=totals,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def actual_line(request, pk):
    """One accounting line: what accounting recorded, its classification, status and history."""
    require_budget_maintainer(request.user)
    line = get_object_or_404(ActualLine.objects.visible_to(request.user).with_related(), pk=pk)
    form = ActualLineCategoryForm(request.POST or None, initial={"category": line.category_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.actual_line_classify(line=line, category=form.cleaned_data["category"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The line's category was saved."))
            return HttpResponseRedirect(reverse("budgets:actual_line", args=[line.pk]))
    return render(
        request,
        "budgets/actual_line.html",
        _context(
            request,
            line=line,
            form=form,
            map_form=ActualLineMapForm(user=request.user) if line.status == ActualLineStatus.UNMAPPED else None,
            history=selectors.history_of(line),
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def actual_line_status(request, pk):
    require_budget_maintainer(request.user)
    line = get_object_or_404(ActualLine.objects.visible_to(request.user), pk=pk)
    form = ActualLineStatusForm(request.POST)
    if form.is_valid():
        try:
            services.actual_line_set_status(line=line, by=request.user, **form.cleaned_data)
        except (ValidationError, StateConflict) as exc:
            for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, message)
        else:
            line.refresh_from_db()
            messages.success(
                request,
                _("Line %(number)s: %(status)s.")
                % {"number": line.document_number or line.pk, "status": line.get_status_display()},
            )
    else:
        messages.error(request, _("Choose what to do with the line."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("budgets:actuals")
    return HttpResponseRedirect(next_url)


def _form_page(request, form, *, title, cancel, audited=None):
    history = selectors.history_of(audited) if audited is not None else None
    return render(
        request,
        "budgets/form.html",
        _context(request, form=form, title=title, cancel_url=cancel, history=history),
        status=400 if form.errors else 200,
    )
