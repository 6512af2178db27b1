"""Dashboards, report pages, exports, background runs, saved views and subscriptions.

Views are thin: a report is computed by its registry entry as the signed-in
user; permissions are the predicates of :mod:`reports.permissions`; writes go
through :mod:`reports.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.choices import Role
from accounts.models import User
from accounts.scope import viewer_scope
from mrm.htmx import is_fragment_request, page_or_fragment
from mrm.spreadsheets import CSV_DIALECT_CHOICES, UnknownDialect, csv_dialect
from reports import exports, pictures, selectors, services
from reports.choices import ExportFormat
from reports.forms import SavedViewForm, SubscriptionForm, params_from_query
from reports.models import ReportRun, ReportSubscription, SavedReportView
from reports.permissions import can_download_run, can_manage_saved_view, can_subscribe, can_view_report
from reports.registry import ReportParamsInvalid, get_report, reports_for

# --- dashboards -----------------------------------------------------------------------------------

DASHBOARDS = {
    "cmo": gettext_lazy("Overview"),
    "finance": gettext_lazy("Finance"),
    "marketer": gettext_lazy("My work"),
    "adoption": gettext_lazy("Adoption"),
}


def dashboards_for(user) -> list[str]:
    """The dashboards a user's roles open, the landing one first: leadership, approvers and admins get the overview."""
    kinds = []
    if user.is_mrm_admin or user.has_role(Role.LEADERSHIP, Role.APPROVER):
        kinds.append("cmo")
    if user.has_role(Role.FINANCE):
        kinds.append("finance")
    if user.has_role(Role.MARKETER):
        kinds.append("marketer")
    if user.is_mrm_admin or user.has_role(Role.LEADERSHIP):
        kinds.append("adoption")  # §7: is MRM used? for admins and the CMO
    return kinds


#: Rows of a report's table a dashboard card shows; the report's page holds them all.
DASHBOARD_CARD_ROWS = 20


def _widget(user, slug: str, **params):
    """A report computed for a dashboard card (its chart and table), or ``None`` when not available.

    Every card is computed over the viewer's one scope; a viewer whose scope
    holds no team (an approver in no team) gets no figure cards at all
    rather than cards of zeros.
    """
    report = get_report(slug)
    if report is None or not report.available_to(user) or viewer_scope(user).is_empty:
        return None
    result = report.run(user, params)
    if len(result.rows) > DASHBOARD_CARD_ROWS:
        # A card is a glance: the cost structure of a large department has a thousand rows, and
        # drawing them all made the finance dashboard take most of a second (issue 16). The chart
        # and the totals still cover every row; the report's page and downloads hold the table.
        result = replace(result, rows=result.rows[:DASHBOARD_CARD_ROWS], rows_total=len(result.rows))
    return result


@dataclass(frozen=True)
class CardPeriod:
    """What a dashboard card covers, said on the card, and its report over all time one click away."""

    text: str
    all_time_url: str


def _in_year(slug: str, year) -> dict[str, str]:
    """The parameters that make a card's report cover the fiscal year the dashboard's pictures show.

    Budget vs actual: the money of the year's periods (as the budget burn counts
    it); ROI: the campaigns that asked for that money; campaign status: the
    campaigns running in the year; cost structure: the expenses spent in it.
    Over all time, these cards read every campaign and expense of a large
    department's three years for a glance (issue 16).
    """
    if slug == "cost-structure":
        return {"date_from": year.start_date.isoformat(), "date_to": year.end_date.isoformat()}
    return {"year": str(year.pk)}


def _period_text(slug: str, year) -> str:
    """What a card over the fiscal ``year`` covers, in the words of its report's parameter."""
    dates = {
        "year": year.name,
        "start": date_format(year.start_date, "SHORT_DATE_FORMAT"),
        "end": date_format(year.end_date, "SHORT_DATE_FORMAT"),
    }
    if slug == "budget-vs-actual":
        return _("%(year)s (%(start)s – %(end)s): the money of its periods") % dates
    if slug == "roi":
        return (
            _(
                "%(year)s (%(start)s – %(end)s): the campaigns that asked for money of its periods, over their whole life"
            )
            % dates
        )
    if slug == "campaign-status":
        return _("%(year)s (%(start)s – %(end)s): the campaigns running in it") % dates
    return _("%(year)s (%(start)s – %(end)s): the money spent in it") % dates


def _year_cards(user, year, cards: dict[str, tuple[str, dict[str, str]]]) -> dict:
    """Report cards over the fiscal ``year`` (all time when there is none), and what each covers.

    ``cards`` maps a context name to its report and parameters. Each card's
    "Open the report" opens the report over the same parameters, so the
    figures match; ``card_periods`` says the period and links the report
    over all time.
    """
    context, periods = {}, {}
    for name, (slug, params) in cards.items():
        context[name] = _widget(user, slug, **params, **(_in_year(slug, year) if year else {}))
        if year is not None and context[name] is not None:
            query = context[name].report.query_string(params)
            url = reverse("reports:detail", args=[slug]) + (f"?{query}" if query else "")
            periods[name] = CardPeriod(_period_text(slug, year), url)
    return {**context, "card_periods": periods}


def _dashboard_context(user, kind: str) -> dict:
    if kind == "cmo":
        year_pictures = pictures.dashboard_pictures(user)
        return {
            "waiting_on_me": list(selectors.approvals_waiting_on(user)),
            "overdue": list(selectors.overdue_approvals(user)),
            **_year_cards(
                user,
                year_pictures.get("fiscal_year"),
                {
                    "campaigns_by_status": ("campaign-status", {"group_by": "status"}),
                    "spend_vs_budget": ("budget-vs-actual", {"group_by": "team"}),
                    "roi_by_channel": ("roi", {"group_by": "channel"}),
                },
            ),
            **year_pictures,
        }
    if kind == "finance":
        year_pictures = pictures.dashboard_pictures(user)
        return {
            "to_review": list(selectors.requests_to_review(user)),
            "waiting_on_me": list(selectors.approvals_waiting_on(user)),
            **_year_cards(
                user,
                year_pictures.get("fiscal_year"),
                {
                    "spend_by_category": ("budget-vs-actual", {"group_by": "category"}),
                    "cost_structure": ("cost-structure", {}),
                },
            ),
            "spend_without_request": _widget(user, "spend-without-request"),
            **year_pictures,
        }
    if kind == "adoption":
        return {
            "active_by_team": _widget(user, "active-users", group_by="team"),
            "active_by_role": _widget(user, "active-users", group_by="role"),
            "spend_coverage": _widget(user, "spend-coverage"),
            "cycle_times": _widget(user, "cycle-times"),
            "stale_items": _widget(user, "stale-items"),
        }
    if kind == "marketer":
        return {
            "my_campaigns": list(selectors.my_campaigns(user)),
            "my_tasks": list(selectors.my_tasks(user)),
            "my_requests": list(selectors.my_funding_requests(user)),
            "waiting_on_me": list(selectors.approvals_waiting_on(user)),
        }
    return {}


@login_required
def dashboard(request):
    """The landing page: the dashboard of the user's role (PRODUCT.md §6), and who they are in MRM."""
    user = User.objects.with_roles_and_teams().get(pk=request.user.pk)
    memberships = sorted(user.memberships.all(), key=lambda m: m.team.name)
    roles = [Role(role).label for role in sorted(user.roles)]
    kinds = dashboards_for(user)
    kind = request.GET.get("view") if request.GET.get("view") in kinds else (kinds[0] if kinds else None)
    context = {
        "profile_user": user,
        "profile_roles": roles,
        "memberships": memberships,
        "dashboard_kind": kind,
        "dashboard_tabs": [(k, DASHBOARDS[k]) for k in kinds] if len(kinds) > 1 else [],
        "scope": viewer_scope(user),
        **(_dashboard_context(user, kind) if kind else {}),
    }
    return render(request, "reports/dashboard.html", context)


# --- reports --------------------------------------------------------------------------------------


def _require_role(user) -> None:
    if not reports_for(user):
        raise PermissionDenied(_("Reports are open to people with a role in MRM."))


@login_required
def index(request):
    _require_role(request.user)
    user = request.user
    return render(
        request,
        "reports/index.html",
        {
            "reports": reports_for(user),
            "saved_views": SavedReportView.objects.visible_to(user).select_related("owner").order_by("report", "name"),
            "runs": ReportRun.objects.visible_to(user).order_by("-created_at")[:10],
            "subscription_count": ReportSubscription.objects.visible_to(user).count(),
        },
    )


def _report_or_404(slug, user):
    report = get_report(slug)
    if report is None:
        raise Http404(_("There is no such report."))
    if not can_view_report(user, report):
        raise PermissionDenied(_("This report is not available to you."))
    return report


def _params_of(data) -> dict[str, str]:
    skip = {"csrfmiddlewaretoken", "format", "background", "name", "shared", "page", "dialect"}
    return {key: value for key, value in data.items() if key not in skip and value != ""}


#: Rows of a report's table per page; the exports hold them all.
REPORT_PAGE_ROWS = 100


@login_required
def report_detail(request, slug):
    """A report with its filters, chart, table and totals; the URL's query string is the shareable view."""
    report = _report_or_404(slug, request.user)
    form = report.form(_params_of(request.GET), request.user)
    result = rows_page = None
    if form.is_valid():
        # A wide report (ROI of 10k campaigns) is paged on the page; totals and exports hold every row.
        result, rows_page = report.page(request.user, form, request.GET.get("page"), REPORT_PAGE_ROWS)
    status = 200 if result is not None else 400
    share_url = request.build_absolute_uri(reverse("reports:detail", args=[slug]))
    if result is not None and result.query_string:
        share_url += "?" + result.query_string
    context = {
        "report": report,
        "form": form,
        "result": result,
        "page": rows_page,
        "share_url": share_url,
        "export_formats": ExportFormat.choices,
        "csv_dialects": CSV_DIALECT_CHOICES,
        "csv_dialect": _page_dialect(request),
        "saved_views": SavedReportView.objects.visible_to(request.user)
        .filter(report=slug)
        .select_related("owner")
        .order_by("name"),
        "save_form": SavedViewForm(),
        "can_subscribe": can_subscribe(request.user),
        "subscribe_url": reverse("reports:subscription_create")
        + "?"
        + urlencode({"report": slug, "filters": result.query_string if result else ""}),
    }
    template = page_or_fragment(request, "reports/report.html", "reports/partials/_report_body.html")
    response = render(request, template, context, status=status)
    if result is not None and is_fragment_request(request):
        # The address bar shows the canonical view (no empty filters): the link to share.
        url = reverse("reports:detail", args=[slug])
        response["HX-Push-Url"] = f"{url}?{result.query_string}" if result.query_string else url
    return response


def _page_dialect(request) -> str:
    """The CSV dialect the page's export form proposes: ``?dialect=`` when valid, else the reader's language's."""
    try:
        return csv_dialect(request.GET.get("dialect")).code
    except UnknownDialect:
        return csv_dialect().code


@login_required
@require_POST
def export(request, slug):
    """Download the report as CSV, XLSX or PDF; large results (or on request) become a background run.

    The CSV is written in the dialect chosen in the form (``dialect``, also
    accepted as ``?dialect=`` on the URL), by default the reader's language's.
    """
    report = _report_or_404(slug, request.user)
    fmt = request.POST.get("format")
    back = HttpResponseRedirect(reverse("reports:detail", args=[slug]))
    if fmt not in ExportFormat.values:
        messages.error(request, _("Choose CSV, XLSX or PDF."))
        return back
    try:
        dialect = csv_dialect(request.POST.get("dialect") or request.GET.get("dialect")).code
    except UnknownDialect as exc:
        messages.error(request, str(exc))
        return back
    params = _params_of(request.POST)
    try:
        if request.POST.get("background"):
            run = services.report_run_create(report=slug, params=params, format=fmt, dialect=dialect, by=request.user)
            return HttpResponseRedirect(run.get_absolute_url())
        result, _rows = report.run_up_to(request.user, params, services.sync_max_rows())
        if result is None:
            run = services.report_run_create(report=slug, params=params, format=fmt, dialect=dialect, by=request.user)
            return HttpResponseRedirect(run.get_absolute_url())
    except ReportParamsInvalid as exc:
        messages.error(request, _invalid_message(exc))
        return back
    return file_response(result, fmt, dialect=dialect)


def _invalid_message(exc: ReportParamsInvalid) -> str:
    details = "; ".join(
        f"{exc.form.fields[name].label if name in exc.form.fields else name}: {' '.join(errors)}"
        for name, errors in exc.field_errors.items()
    )
    return _("The filters are not valid: %(details)s") % {"details": details}


def file_response(result, fmt: str, dialect: str | None = None) -> HttpResponse:
    content = exports.render(result, fmt, dialect=dialect)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(result, fmt)}"'
    return response


# --- background runs --------------------------------------------------------------------------------


@login_required
def run_detail(request, pk):
    """A background export's status; htmx polls the fragment until it is done or failed."""
    run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=pk)
    report = get_report(run.report)
    template = page_or_fragment(request, "reports/run.html", "reports/partials/_run_status.html")
    return render(request, template, {"run": run, "report": report})


@login_required
def run_download(request, pk):
    run = get_object_or_404(ReportRun.objects.visible_to(request.user), pk=pk)
    if not can_download_run(request.user, run):
        raise PermissionDenied(_("Only the person who asked for this export may download it."))
    if not run.is_downloadable:
        raise Http404(_("This file is not available (not ready, failed or deleted)."))
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file_name or None)


# --- saved views ------------------------------------------------------------------------------------


@login_required
@require_POST
def saved_view_create(request, slug):
    _report_or_404(slug, request.user)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return HttpResponseRedirect(reverse("reports:detail", args=[slug]))
    try:
        view = services.saved_view_create(
            report=slug,
            name=form.cleaned_data["name"],
            params=_params_of(request.POST),
            shared=form.cleaned_data["shared"],
            by=request.user,
        )
    except ReportParamsInvalid as exc:
        messages.error(request, _invalid_message(exc))
        return HttpResponseRedirect(reverse("reports:detail", args=[slug]))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return HttpResponseRedirect(view.get_absolute_url())


@login_required
def saved_view(request, slug):
    """Open a saved view: the report with its filters, as the person opening it may see it."""
    view = get_object_or_404(SavedReportView.objects.visible_to(request.user), slug=slug)
    report = _report_or_404(view.report, request.user)
    url = reverse("reports:detail", args=[view.report])
    return HttpResponseRedirect(f"{url}?{report.query_string(view.params)}" if view.params else url)


@login_required
@require_POST
def saved_view_delete(request, pk):
    view = get_object_or_404(SavedReportView.objects.visible_to(request.user), pk=pk)
    if not can_manage_saved_view(request.user, view):
        raise PermissionDenied(_("Only the owner can delete a saved view."))
    services.saved_view_delete(view=view, by=request.user)
    messages.success(request, _("View deleted."))
    return HttpResponseRedirect(reverse("reports:detail", args=[view.report]))


# --- subscriptions ----------------------------------------------------------------------------------


@login_required
def subscriptions(request):
    if not can_subscribe(request.user):
        raise PermissionDenied(_("Reports are open to people with a role in MRM."))
    items = ReportSubscription.objects.visible_to(request.user).prefetch_related("recipients").order_by("name", "pk")
    return render(request, "reports/subscriptions.html", {"subscriptions": items})


def _apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_create(request):
    return _subscription_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk):
    subscription = get_object_or_404(ReportSubscription.objects.visible_to(request.user), pk=pk)
    return _subscription_form(request, subscription)


def _subscription_form(request, subscription):
    if not can_subscribe(request.user):
        raise PermissionDenied(_("Reports are open to people with a role in MRM."))
    if request.method == "POST":
        form = SubscriptionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                saved = services.subscription_save(
                    subscription=subscription,
                    data=form.service_data(),
                    recipients=form.cleaned_data["recipients"],
                    by=request.user,
                )
            except ReportParamsInvalid as exc:
                form.add_error(None, _invalid_message(exc))
            except ValidationError as exc:
                _apply_service_errors(form, exc)
            else:
                messages.success(request, _("Subscription “%(name)s” saved.") % {"name": saved.name})
                return HttpResponseRedirect(reverse("reports:subscriptions"))
        status = 400
    else:
        if subscription is not None:
            initial = {
                "name": subscription.name,
                "report": subscription.report,
                "filters": urlencode(subscription.params),
                "format": subscription.format,
                "frequency": subscription.frequency,
                "weekday": subscription.weekday,
                "day_of_month": subscription.day_of_month,
                "recipients": list(subscription.recipients.all()),
                "active": subscription.active,
            }
        else:
            report = get_report(request.GET.get("report", ""))
            initial = {
                "report": report.slug if report else "",
                "name": str(report.title) if report else "",
                "filters": request.GET.get("filters", ""),
                "recipients": [request.user],
                "active": True,
            }
        form = SubscriptionForm(initial=initial, user=request.user)
        status = 200
    filters_shown = _filters_shown(request.user, form)
    return render(
        request,
        "reports/subscription_form.html",
        {"form": form, "subscription": subscription, "filters_shown": filters_shown},
        status=status,
    )


def _filters_shown(user, form) -> list[tuple[str, str]]:
    """The subscription's filters in words, as the owner sees them."""
    report = get_report(form["report"].value() or "")
    if report is None or not report.available_to(user):
        return []
    report_form = report.form(params_from_query(form["filters"].value() or ""), user)
    return report_form.applied_filters() if report_form.is_valid() else []


@login_required
@require_POST
def subscription_delete(request, pk):
    subscription = get_object_or_404(ReportSubscription.objects.visible_to(request.user), pk=pk)
    services.subscription_delete(subscription=subscription, by=request.user)
    messages.success(request, _("Subscription deleted."))
    return HttpResponseRedirect(reverse("reports:subscriptions"))
