"""Approval pages: the inbox, request lists and pages, decisions, comments, stand-ins, templates.

Views are thin: reads go through ``visible_to``/selectors, writes through
``approvals.services``; refusals become messages or form errors, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import permissions, selectors, services
from approvals.api.filters import ApprovalRequestFilter
from approvals.choices import OUTCOME_PAST, RequestStatus, SubjectKind
from approvals.forms import (
    CancelForm,
    CommentForm,
    ConfirmForm,
    DecisionForm,
    DelegationForm,
    StageFormSet,
    WorkflowTemplateForm,
)
from approvals.models import ApprovalRequest, Delegation, WorkflowTemplate
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request, page_or_fragment

PAGE_SIZE = 25
#: Requests per page of the inbox (oldest first).
INBOX_PAGE_SIZE = 50


def _visible_request(request, pk) -> ApprovalRequest:
    return get_object_or_404(ApprovalRequest.objects.visible_to(request.user).with_list_data(), pk=pk)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- inbox and lists ------------------------------------------------------------------


@login_required
def inbox(request):
    """What waits on me, oldest first, with one-click decisions per row (PRODUCT.md §5).

    Paged (``INBOX_PAGE_SIZE`` a page): the CMO's inbox can hold hundreds of
    requests, and drawing all of them with their budget lines took more than
    a second and 650 KB at a tenth of a large department (issue 16); the
    decision contexts are loaded for the page only.
    """
    page = Paginator(selectors.inbox(request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.attach_decision_contexts(page.object_list, request.user)
    now = timezone.now()
    for row in rows:
        row.overdue = selectors.is_overdue(row, now)
    delegations = Delegation.objects.current().filter(stand_in_id=request.user.pk).select_related("approver")
    return render(
        request,
        "approvals/inbox.html",
        {"rows": rows, "page": page, "stand_in_for": list(delegations), "now": now},
    )


@login_required
def request_list(request):
    """Every request I may see, filtered (status, kind, pending for me, submitted by me)."""
    base = ApprovalRequest.objects.visible_to(request.user).with_list_data()
    filterset = ApprovalRequestFilter(request.GET or None, queryset=base, request=request)
    requests = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if filterset.is_bound and not filterset.is_valid():
        requests = base.none()
    page = Paginator(requests.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = page_or_fragment(request, "approvals/list.html", "approvals/partials/_list_results.html")
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "statuses": RequestStatus.choices,
            "kinds": SubjectKind.choices,
        },
    )


# --- the request page ------------------------------------------------------------------


def _detail_context(request, approval, **forms) -> dict:
    actions = permissions.available_actions(approval, request.user)
    # What the subject's app shows beside the decision (a funding request's budget line).
    selectors.attach_decision_contexts([approval], request.user)
    return {
        "approval": approval,
        "actions": actions,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "cancel_form": CancelForm(),
        "overdue": selectors.is_overdue(approval),
        **selectors.request_page_data(approval),
    }


@login_required
def request_detail(request, pk):
    """Decision panel first (per stage: status, who decided, when, note), then the preliminary discussion."""
    approval = _visible_request(request, pk)
    return render(request, "approvals/detail.html", _detail_context(request, approval))


@login_required
@require_POST
def decide(request, pk):
    """Record a decision. From the inbox (htmx) the row is swapped with the result."""
    approval = _visible_request(request, pk)
    form = DecisionForm(request.POST)
    from_inbox = is_fragment_request(request) and request.POST.get("from") == "inbox"
    error = None
    decision = None
    status = 400
    if form.is_valid():
        try:
            decision = services.approval_decide(
                request=approval,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                approved_amount=form.cleaned_data["approved_amount"],
            )
        except ValidationError as exc:
            error = _errors(exc)
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            error, status = str(exc), 403
        except StateConflict as exc:
            error, status = str(exc), 409
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if from_inbox:
        # htmx swaps only successful responses: the row carries the refusal's reason itself.
        approval.refresh_from_db()
        approval.overdue = selectors.is_overdue(approval)
        selectors.attach_decision_contexts([approval], request.user)
        return render(
            request,
            "approvals/partials/_inbox_row.html",
            {"row": approval, "decision": decision, "error": error},
        )
    if decision is not None:
        messages.success(
            request,
            _("Your decision is recorded: %(outcome)s.") % {"outcome": OUTCOME_PAST[decision.outcome]},
        )
        # a queue that offers the decision (finance's review queue) gets the decider back to the next item
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = approval.get_absolute_url()
        return HttpResponseRedirect(back)
    messages.error(request, error or _("The decision was not recorded."))
    approval.refresh_from_db()
    return render(
        request, "approvals/detail.html", _detail_context(request, approval, decision_form=form), status=status
    )


@login_required
@require_POST
def comment(request, pk):
    """Add a comment (never a decision)."""
    approval = _visible_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            created = services.approval_comment(request=approval, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your comment was added. It is not a decision."))
            return HttpResponseRedirect(f"{approval.get_absolute_url()}#comment-{created.pk}")
    return render(request, "approvals/detail.html", _detail_context(request, approval, comment_form=form), status=400)


@login_required
@require_POST
def cancel(request, pk):
    approval = _visible_request(request, pk)
    form = CancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.approval_cancel(request=approval, by=request.user, note=note)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was withdrawn."))
    return HttpResponseRedirect(approval.get_absolute_url())


@login_required
def confirm(request, pk):
    """The submitter confirms an idle request is still needed and says why."""
    approval = _visible_request(request, pk)
    if approval.submitted_by_id != request.user.pk:
        raise PermissionDenied(_("Only the submitter can confirm this request is still needed."))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_confirm_needed(request=approval, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you: the request stays open."))
            return HttpResponseRedirect(approval.get_absolute_url())
    return render(request, "approvals/confirm.html", {"approval": approval, "form": form})


# --- delegation ----------------------------------------------------------------------------


@login_required
def delegations(request):
    """Name a stand-in for an absence; see who stands in for whom."""
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your stand-in is set."))
            return HttpResponseRedirect(reverse("approvals:delegations"))
    today = timezone.localdate()
    mine = Delegation.objects.filter(approver=request.user, ends_on__gte=today).select_related("stand_in")
    received = Delegation.objects.filter(stand_in=request.user, ends_on__gte=today).select_related("approver")
    return render(
        request,
        "approvals/delegations.html",
        {"form": form, "mine": list(mine), "received": list(received), "today": today},
    )


@login_required
@require_POST
def delegation_end(request, pk):
    delegation = get_object_or_404(Delegation.objects.visible_to(request.user), pk=pk)
    services.delegation_end(delegation=delegation, by=request.user)
    messages.success(request, _("The stand-in period was ended."))
    return HttpResponseRedirect(reverse("approvals:delegations"))


# --- templates (admins) ----------------------------------------------------------------------


def _require_template_admin(user) -> None:
    if not permissions.can_manage_templates(user):
        raise PermissionDenied(_("Only administrators edit workflow templates."))


@login_required
def template_list(request):
    """Workflow templates: everyone sees who approves what; admins edit."""
    templates = WorkflowTemplate.objects.visible_to(request.user).with_stages()
    return render(
        request,
        "approvals/templates.html",
        {"templates": templates, "can_manage": permissions.can_manage_templates(request.user)},
    )


@login_required
def template_edit(request, pk=None):
    _require_template_admin(request.user)
    template = get_object_or_404(WorkflowTemplate.objects.visible_to(request.user), pk=pk) if pk else None
    form = WorkflowTemplateForm(request.POST or None, instance=template)
    stages = StageFormSet(request.POST or None, instance=template or WorkflowTemplate(), prefix="stages")
    if request.method == "POST" and form.is_valid() and stages.is_valid():
        try:
            saved = services.workflow_template_save(form=form, stages=stages, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The workflow template was saved."))
            return HttpResponseRedirect(reverse("approvals:template_edit", args=[saved.pk]))
    return render(request, "approvals/template_form.html", {"form": form, "stages": stages, "template": template})
