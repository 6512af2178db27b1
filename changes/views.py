"""Change request pages: the list, the form (with who it affects, by htmx), the page and its commands.

Views are thin: reads go through ``ChangeRequest.objects.visible_to`` (a
request outside the user's scope is a 404), writes through
``changes.services``; a refused person is a 403, a refused state or input a
message on the page, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from changes import permissions, selectors, services
from changes.affected import compute_affected
from changes.api.filters import ChangeRequestFilter, Scope
from changes.choices import AnswerStatus, ChangeStatus, TargetKind
from changes.forms import ApplyForm, ChangeRequestForm, NoteForm
from changes.models import ChangeRequest
from mrm.exceptions import StateConflict
from mrm.htmx import page_or_fragment

PAGE_SIZE = 25


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _visible(request, pk) -> ChangeRequest:
    return get_object_or_404(ChangeRequest.objects.visible_to(request.user).with_detail_data(), pk=pk)


@login_required
def change_list(request):
    """Change requests asked by me, affecting my teams, or (administrators) all, filtered, newest first."""
    base = ChangeRequest.objects.visible_to(request.user).with_detail_data()
    filterset = ChangeRequestFilter(request.GET or None, queryset=base, request=request)
    changes = base
    if filterset.is_bound:
        changes = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(changes.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = page_or_fragment(request, "changes/list.html", "changes/partials/_list_results.html")
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "statuses": ChangeStatus.choices,
            "kinds": TargetKind.choices,
            "scopes": Scope.CHOICES,
            "can_create": permissions.can_request_change(request.user),
        },
    )


@login_required
def change_create(request):
    """Ask for a configuration change: the target, what and why; who it affects shows as the target is chosen."""
    if not permissions.can_request_change(request.user):
        raise PermissionDenied(_("Only users with a role can ask for a configuration change."))
    initial = {"target_kind": request.GET.get("target_kind", TargetKind.WORKFLOW_TEMPLATE)}
    form = ChangeRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_request_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your change request was sent to the teams it affects."))
            return HttpResponseRedirect(change.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    preview = _preview(form) if form.is_bound else None
    return render(request, "changes/form.html", {"form": form, "preview": preview}, status=status)


def _preview(form) -> dict | None:
    """Who the change of the form's target would affect, or None while no target is chosen."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    kind = data.get("target_kind")
    target = {
        TargetKind.WORKFLOW_TEMPLATE: data.get("workflow_template"),
        TargetKind.EXPENSE_CATEGORY: data.get("expense_category"),
        TargetKind.FIELD: data.get("field_name"),
    }.get(kind)
    if not target:
        return None
    affected = compute_affected(
        target_kind=kind,
        workflow_template=data.get("workflow_template"),
        expense_category=data.get("expense_category"),
        field_name=data.get("field_name") or "",
    )
    return {"teams": list(affected.teams()), "user_count": affected.users().count()}


@login_required
def affected_preview(request):
    """The htmx fragment of the form: the teams (and how many people) the chosen target's change would affect."""
    if not permissions.can_request_change(request.user):
        raise PermissionDenied(_("Only users with a role can ask for a configuration change."))
    form = ChangeRequestForm(request.GET or None, user=request.user)
    preview = None
    if form.is_bound:
        form.is_valid()  # what and why are not needed here: only the target is read
        preview = _preview(form)
    return render(request, "changes/partials/_affected_preview.html", {"preview": preview})


@login_required
def change_detail(request, pk):
    """What and why, the affected teams with their answers, the buttons this user may use, the history."""
    change = _visible(request, pk)
    return render(request, "changes/detail.html", _detail_context(request, change))


def _detail_context(request, change) -> dict:
    actions = permissions.available_actions(change, request.user)
    return {
        "change": change,
        "actions": actions,
        "my_teams": permissions.answerable_teams(request.user, change) if actions["answer"] else [],
        "teams_without_speaker": selectors.teams_without_speaker(change),
        "history": selectors.change_history(change),
    }


def _command(request, pk, run, done: str):
    """Run a command on a visible change request; a refused state or input is a message, a refused person a 403."""
    change = _visible(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        run(change, form.cleaned_data.get("note", ""))
    except (StateConflict, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(change.get_absolute_url())


@login_required
@require_POST
def acknowledge(request, pk):
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_answer(
            change_request=change, by=request.user, answer=AnswerStatus.ACKNOWLEDGED, note=note
        ),
        _("You acknowledged the change for your team."),
    )


@login_required
@require_POST
def object_to(request, pk):
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_answer(
            change_request=change, by=request.user, answer=AnswerStatus.OBJECTED, note=note
        ),
        _("Your objection was recorded; the requester was told."),
    )


@login_required
@require_POST
def apply(request, pk):
    override = ApplyForm(request.POST)
    override.is_valid()
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_apply(
            change_request=change, by=request.user, note=note, override=bool(override.cleaned_data.get("override"))
        ),
        _("The change request is marked as applied. Make the change itself in the administration if not done yet."),
    )


@login_required
@require_POST
def decline(request, pk):
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_decline(change_request=change, by=request.user, note=note),
        _("The change request was declined; the requester was told."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_withdraw(change_request=change, by=request.user, note=note),
        _("The change request was withdrawn."),
    )


@login_required
@require_POST
def confirm(request, pk):
    return _command(
        request,
        pk,
        lambda change, note: services.change_request_confirm(change_request=change, by=request.user, note=note),
        _("Thank you: the change request stays open."),
    )
