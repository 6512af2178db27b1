"""Pages of funding requests and spend: the request form and page, commitments and expenses,
finance's review queue, budget utilisation and the campaign's money section (PRODUCT.md §4).

Thin like every view here: reads go through ``visible_to(user)`` and
:mod:`budgets.selectors`, writes through :mod:`budgets.services`, refusals
become form errors or messages, never a 500.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Team
from budgets import exports, selectors, services
from budgets.api.filters import SPEND_SEARCH_FIELDS, ExpenseFilter, FundingRequestFilter
from budgets.api.views import funding_request_queryset
from budgets.attachments import content_type_of
from budgets.choices import FundingRequestStatus
from budgets.forms import ActualLineMapForm, FundingRequestForm, SpendForm, add_service_errors
from budgets.models import ActualLine, Commitment, Expense, ExpenseCategory, FiscalPeriod, FundingRequest
from budgets.permissions import (
    available_actions,
    can_ask_for_money,
    can_read_team_budget,
    can_request_funding,
    can_review_funding,
    funding_request_actions,
    require,
    require_budget_maintainer,
    require_budget_reader,
)
from imports.registry import kinds_for
from mrm.bounds import parse_decimal, parse_id
from mrm.exceptions import StateConflict
from mrm.exports import form_filters, page_download
from mrm.htmx import page_or_fragment
from mrm.spreadsheets import CSV_DIALECT_CHOICES, UnknownDialect, csv_dialect

SPEND_MODELS = {"commitment": Commitment, "expense": Expense}


def _context(request, **extra):
    return {"budget_actions": available_actions(request.user), **extra}


def _visible_request(request, pk) -> FundingRequest:
    return get_object_or_404(funding_request_queryset(FundingRequest.objects.visible_to(request.user)), pk=pk)


def _cell_choice(model, raw, user):
    """An id from the query string, scoped; anything unknown is simply no filter."""
    if parse_id(raw) is None:
        return None
    return model.objects.visible_to(user).filter(pk=parse_id(raw)).first()


# --- funding requests ------------------------------------------------------------------


@login_required
def request_list(request):
    """Funding requests the user may read, filtered (campaign, period, team, category, status)."""
    require_budget_reader(request.user)
    base = funding_request_queryset(FundingRequest.objects.visible_to(request.user))
    filterset = FundingRequestFilter(request.GET or None, queryset=base)
    requests = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if filterset.is_bound and not filterset.is_valid():
        requests = base.none()
    page = Paginator(requests.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "budgets/requests.html",
        _context(
            request,
            page=page,
            query=query.urlencode(),
            statuses=FundingRequestStatus.choices,
            status=request.GET.get("status", ""),
            periods=list(selectors.periods_for(request.user)),
            teams=list(Team.objects.visible_to(request.user).order_by("name")),
            period_id=request.GET.get("period", ""),
            team_id=request.GET.get("team", ""),
            category=_cell_choice(ExpenseCategory, request.GET.get("category"), request.user),
            can_create=can_ask_for_money(request.user),
            importable=kinds_for(request.user),
        ),
    )


# --- expenses ------------------------------------------------------------------------------


EXPENSES_PER_PAGE = 50


@login_required
def expense_list(request):
    """Every expense the user may read, newest first, filtered by dates and searched; and its download.

    ``?format=csv|xlsx`` answers the same rows — all of them, not a page — as a
    file (:mod:`mrm.exports`: streamed, any length, in the import's columns), in the CSV dialect
    chosen (``?dialect=ru|en``, by default the reader's language's).
    """
    require_budget_reader(request.user)
    base = Expense.objects.visible_to(request.user)
    filterset = ExpenseFilter(request.GET or None, queryset=base)
    valid = not filterset.is_bound or filterset.is_valid()
    expenses = filterset.qs if filterset.is_bound and valid else base
    search = request.GET.get("search", "").strip()
    if search:
        condition = Q()
        for name in SPEND_SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": search})
        expenses = expenses.filter(condition)
    expenses = expenses.order_by("-date", "-pk")
    if valid and request.GET.get("format"):
        filters = form_filters(filterset.form) if filterset.is_bound else []
        if search:
            filters.append((_("Search"), search))
        try:
            download = page_download(
                request, exports.EXPENSES, expenses, filters=filters, scope=exports.scope_label(request.user)
            )
        except UnknownDialect as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("budgets:expenses"))
        if download is not None:
            return download
    if not valid:
        expenses = expenses.none()
    page = Paginator(
        expenses.select_related("funding_request__category", "campaign__team"), EXPENSES_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "format", "dialect"):
        query.pop(name, None)
    return render(
        request,
        "budgets/expenses.html",
        _context(
            request,
            page=page,
            filterset=filterset,
            search=search,
            query=query.urlencode(),
            dialects=CSV_DIALECT_CHOICES,
            dialect=csv_dialect().code,
            importable=kinds_for(request.user),
            date_from=request.GET.get("date_from", ""),
            date_to=request.GET.get("date_to", ""),
        ),
    )


def _form_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk=None):
    """Ask for money (or change a draft), with live info on the chosen period × team × category."""
    require_budget_reader(request.user)
    funding_request = _visible_request(request, pk) if pk else None
    if funding_request is not None:
        actions = funding_request_actions(funding_request, request.user)
        if not actions["edit"]:
            if can_request_funding(request.user, funding_request.campaign):
                messages.error(
                    request,
                    _("%(number)s is %(status)s and cannot be changed: withdraw it and submit it again.")
                    % {"number": funding_request.number, "status": funding_request.get_status_display().lower()},
                )
                return HttpResponseRedirect(funding_request.get_absolute_url())
            raise PermissionDenied(_("Only marketers of the campaign's team change its funding requests."))
        initial = {name: getattr(funding_request, name) for name in services.REQUEST_FIELDS}
    else:
        initial = {}
        if parse_id(request.GET.get("campaign")) is not None:
            initial["campaign"] = parse_id(request.GET["campaign"])
    form = FundingRequestForm(request.POST or None, initial=initial, user=request.user)
    if funding_request is None and not can_ask_for_money(request.user):
        raise PermissionDenied(_("Only marketers of a campaign's team ask for its money."))
    if request.method == "POST" and form.is_valid():
        try:
            if funding_request is None:
                saved = services.funding_request_create(by=request.user, **_form_values(form))
            else:
                saved = services.funding_request_update(
                    funding_request=funding_request, by=request.user, **_form_values(form)
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            if request.POST.get("then") == "submit":
                return _submit(request, saved)
            messages.success(request, _("%(number)s was saved as a draft.") % {"number": saved.number})
            return HttpResponseRedirect(saved.get_absolute_url())
    position = _position_for(request, form, funding_request)
    return render(
        request,
        "budgets/request_form.html",
        _context(request, form=form, funding_request=funding_request, position=position),
        status=400 if form.errors else 200,
    )


def _position_for(request, form, funding_request):
    """The budget position of the cell the form points at (bound data first, then initial)."""

    def chosen(name, model):
        raw = form.data.get(name) if form.is_bound else form.initial.get(name)
        raw = getattr(raw, "pk", raw)
        return _cell_choice(model, raw, request.user)

    from campaigns.models import Campaign

    campaign = chosen("campaign", Campaign)
    period = chosen("period", FiscalPeriod)
    category = chosen("category", ExpenseCategory)
    if campaign is None:
        return None
    position = {
        "campaign": campaign,
        "team": campaign.team,
        "period": period,
        "category": category,
        # The period is proposed from the campaign's dates and must overlap them (§4): said before saving.
        "proposed_period": selectors.proposed_period(campaign, periods=selectors.periods_for(request.user)),
        "period_fits": selectors.period_fits_campaign(period, campaign) if period else None,
        "figures": None,
    }
    if period and category and can_read_team_budget(request.user, campaign.team):
        # another team's budget is not this marketer's to see (§2)
        position["figures"] = selectors.budget_position(
            period=period, team=campaign.team, category=category, exclude_request=funding_request
        )
    return position


@login_required
def request_budget_info(request):
    """The live remaining-budget panel of the request form (htmx fragment; a small page without JS)."""
    require_budget_reader(request.user)
    form = FundingRequestForm(request.GET or None, user=request.user)
    funding_request = None
    if parse_id(request.GET.get("request")) is not None:
        funding_request = (
            FundingRequest.objects.visible_to(request.user).filter(pk=parse_id(request.GET["request"])).first()
        )
    position = _position_for(request, form, funding_request)
    template = page_or_fragment(request, "budgets/budget_info.html", "budgets/partials/_budget_info.html")
    return render(request, template, _context(request, position=position))


@login_required
def request_detail(request, pk):
    """A request: its money, its approval status (linked), commitments and expenses, what is left, history."""
    funding_request = _visible_request(request, pk)
    from approvals.models import ApprovalRequest

    approvals = list(
        ApprovalRequest.objects.for_subject(funding_request).select_related("current_stage").order_by("-submitted_at")
    )
    commitments = list(funding_request.commitments.select_related("recorded_by").order_by("date", "pk"))
    expenses = list(funding_request.expenses.select_related("recorded_by", "actual_line").order_by("date", "pk"))
    limit = services.spend_limit(funding_request)
    return render(
        request,
        "budgets/request_detail.html",
        _context(
            request,
            fr=funding_request,
            actions=funding_request_actions(funding_request, request.user),
            approvals=approvals,
            approval=approvals[0] if approvals else None,
            commitments=commitments,
            expenses=expenses,
            limit=limit,
            left_to_commit=limit - funding_request.committed,
            left_to_spend=limit - funding_request.spent,
            tolerance=services.spend_tolerance(),
            decision_context=selectors.decision_context(funding_request),
            history=selectors.history_of(funding_request),
        ),
    )


AMOUNT_INPUT = re.compile(r"^#[A-Za-z][A-Za-z0-9_-]{0,60}$")


def _considered_amount(raw, funding_request) -> Decimal | None:
    """A lower amount the decider typed (``1 500,00`` or ``1500.00``), if it is one a decision could grant."""
    text = str(raw or "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not text or len(text) > 20:
        return None
    amount = parse_decimal(text)  # ASCII digits only (mrm/bounds.py)
    if amount is None:
        return None
    if not amount.is_finite() or amount <= 0 or amount > funding_request.amount:
        return None
    return amount.quantize(Decimal("0.01"))


@login_required
def request_decision_context(request, pk):
    """The budget line of a request beside a decision, recomputed for the amount being approved (htmx).

    Whoever reads the request reads its line's figures (they are the line's,
    the same for every reader); anyone else gets a 404.
    """
    funding_request = _visible_request(request, pk)
    amount = _considered_amount(request.GET.get("approved_amount"), funding_request)
    context = selectors.decision_context(funding_request, amount=amount)
    amount_input = request.GET.get("input", "")
    return render(
        request,
        "budgets/partials/_decision_context.html",
        {
            "ctx": context,
            "amount_input": amount_input if AMOUNT_INPUT.match(amount_input) else "",
            "wide": request.GET.get("wide") == "1",
        },
    )


def _submit(request, funding_request):
    try:
        services.funding_request_submit(funding_request=funding_request, by=request.user)
    except (StateConflict, ValidationError) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, _("%(number)s was submitted for approval.") % {"number": funding_request.number})
    return HttpResponseRedirect(funding_request.get_absolute_url())


@login_required
@require_POST
def request_submit(request, pk):
    return _submit(request, _visible_request(request, pk))


@login_required
@require_POST
def request_withdraw(request, pk):
    funding_request = _visible_request(request, pk)
    try:
        services.funding_request_withdraw(
            funding_request=funding_request, by=request.user, note=request.POST.get("note", "")[:4000]
        )
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(number)s was withdrawn.") % {"number": funding_request.number})
    return HttpResponseRedirect(funding_request.get_absolute_url())


# --- commitments and expenses --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def spend_create(request, pk, kind):
    """Record a commitment or an expense on a request; spend control refuses what would pass the limit."""
    if kind not in SPEND_MODELS:
        raise Http404(_("No such record."))
    funding_request = _visible_request(request, pk)
    actions = funding_request_actions(funding_request, request.user)
    if not actions[f"add_{kind}"]:
        from budgets.permissions import can_record_spend

        require(
            can_record_spend(request.user, funding_request.campaign),
            _("Finance records money for any campaign; marketers only for their own teams' campaigns."),
        )
    form = SpendForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        create = services.commitment_create if kind == "commitment" else services.expense_create
        try:
            create(funding_request=funding_request, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            label = _("The commitment was recorded.") if kind == "commitment" else _("The expense was recorded.")
            messages.success(request, label)
            return HttpResponseRedirect(funding_request.get_absolute_url())
    limit = services.spend_limit(funding_request)
    used = funding_request.committed if kind == "commitment" else funding_request.spent
    return render(
        request,
        "budgets/spend_form.html",
        _context(request, form=form, fr=funding_request, kind=kind, left=limit - used, limit=limit),
        status=400 if form.errors else 200,
    )


@login_required
def spend_attachment(request, kind, pk):
    """The PO/invoice file of a commitment or an expense, to those who may read it, always as a download."""
    model = SPEND_MODELS.get(kind)
    if model is None:
        raise Http404(_("No such record."))
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if not record.attachment:
        raise Http404(_("This record has no attachment."))
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    name = record.attachment_name or "attachment"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_of(name))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- finance's review queue and utilisation ----------------------------------------------------


#: Submitted requests per page of the review queue.
REVIEW_PAGE_SIZE = 20


@login_required
def review_queue(request):
    """Submitted requests, oldest first, with everything needed to decide (PRODUCT.md §4).

    Paged: a department's queue can hold hundreds, and rendering them all took
    seconds and megabytes (issue 16); the decision figures are computed for
    the page only.
    """
    require(can_review_funding(request.user), _("The review queue is finance's."))
    from approvals.models import ApprovalRequest

    pending = ApprovalRequest.objects.pending_for(request.user).filter(
        content_type__model="fundingrequest", object_id=OuterRef("pk")
    )
    queue = (
        funding_request_queryset(FundingRequest.objects.visible_to(request.user))
        .filter(status=FundingRequestStatus.SUBMITTED)
        .annotate(decidable=Exists(pending))
        .order_by("submitted_at", "pk")
    )
    page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    requests = list(page)
    history = selectors.team_spend_history({r.campaign.team_id for r in requests})
    contexts = selectors.decision_contexts(requests)
    for row in requests:
        row.team_history = history.get(row.campaign.team_id)
        row.decision_context = contexts[row.pk]
    return render(request, "budgets/review_queue.html", _context(request, requests=requests, page=page))


@login_required
def utilisation(request):
    """Allocated, requested, approved, committed, actual, remaining and variance per period × team × category."""
    require_budget_reader(request.user)
    periods = list(selectors.periods_for(request.user))
    period = _cell_choice(FiscalPeriod, request.GET.get("period"), request.user)
    if "period" not in request.GET:
        period = selectors.default_period(periods)
    team = _cell_choice(Team, request.GET.get("team"), request.user)
    category = _cell_choice(ExpenseCategory, request.GET.get("category"), request.user)
    rows, unallocated, totals = selectors.utilisation(user=request.user, period=period, team=team, category=category)
    return render(
        request,
        "budgets/utilisation.html",
        _context(
            request,
            rows=rows,
            unallocated=unallocated,
            totals=totals,
            periods=periods,
            period=period,
            teams=selectors.grid_teams(request.user),
            team=team,
            categories=ExpenseCategory.objects.visible_to(request.user).order_by("code"),
            category=category,
        ),
    )


# --- the campaign's money section ----------------------------------------------------------------


@login_required
def campaign_money(request, campaign_pk):
    """The money of one campaign: its requests, committed, spent, left, and ROI from its KPIs.

    A fragment for the campaign page (loaded by htmx), also a page of its own.
    """
    from campaigns.models import Campaign

    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("team"), pk=campaign_pk)
    requests = list(
        funding_request_queryset(FundingRequest.objects.visible_to(request.user).filter(campaign=campaign)).order_by(
            "-created_at", "-pk"
        )
    )
    money = selectors.campaign_money(campaign=campaign, requests=requests)
    template = page_or_fragment(request, "budgets/campaign_money.html", "budgets/partials/_campaign_money.html")
    return render(
        request,
        template,
        _context(
            request,
            campaign=campaign,
            requests=requests,
            money=money,
            can_request=can_request_funding(request.user, campaign),
        ),
    )


# --- mapping a queued accounting line by hand ----------------------------------------------------


@login_required
@require_POST
def actual_line_map(request, pk):
    """Finance maps an unmapped line to an approved request; spend control decides."""
    require_budget_maintainer(request.user)
    line = get_object_or_404(ActualLine.objects.visible_to(request.user), pk=pk)
    form = ActualLineMapForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.actual_line_map(line=line, funding_request=form.cleaned_data["funding_request"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except StateConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The line is now an expense of %(number)s.")
                % {"number": form.cleaned_data["funding_request"].number},
            )
    else:
        messages.error(request, _("Choose an approved funding request."))
    return HttpResponseRedirect(reverse("budgets:actual_line", args=[line.pk]))


def drilldown_url(*, period_id, team_id, category_id) -> str:
    return f"{reverse('budgets:requests')}?{urlencode({'period': period_id, 'team': team_id, 'category': category_id})}"
