"""Campaign pages: list, detail, forms, board, timeline, calendar, feeds and the embed.

Views are thin: they read through ``visible_to``/selectors, call services for
writes and turn refusals into messages. One view serves a page and its htmx
fragment (``mrm.htmx.page_or_fragment``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Team, User
from accounts.scope import viewer_scope
from attachments.views import card_context, card_response
from campaigns import bulk, launch_approval, permissions, services
from campaigns.api.filters import CampaignFilter
from campaigns.choices import (
    ACTIVITY_STATUS_BADGE,
    STATUS_BADGE,
    ActivityType,
    BatchKind,
    CalendarColourBy,
    CalendarEventKind,
    CampaignStatus,
)
from campaigns.embed import calendar_styles, embeddable
from campaigns.forms import (
    ActivityForm,
    BulkForm,
    CalendarFeedForm,
    CampaignForm,
    ChecklistItemForm,
    CloneForm,
    KPIForm,
    ShareForm,
    TaskBulkForm,
    TaskForm,
    TemplateForm,
    TransitionForm,
)
from campaigns.ics import feed_calendar
from campaigns.models import (
    KPI,
    Activity,
    CalendarFeed,
    Campaign,
    CampaignBatch,
    CampaignTemplate,
    CampaignUserObjectPermission,
    Channel,
    ChecklistItem,
    Task,
)
from campaigns.panels import campaign_panels
from campaigns.rollup import programme_rollup, rollup_statuses
from campaigns.selectors import (
    PUBLIC_CALENDAR_VIEWS,
    CalendarPlace,
    CalendarQuery,
    board_columns,
    campaign_page_data,
    public_calendar_month,
    public_events,
    tasks_of,
    team_colour,
    timeline,
    upcoming_limit,
    upcoming_public_events,
)
from mrm.bounds import date_in_window
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request, page_or_fragment
from mrm.links import absolute_url, site_url

LIST_PAGE_SIZE = 25
TIMELINE_LIMIT = 200  # bars beyond this make the chart unreadable; the page says so


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (or on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _visible_campaign(request, pk) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user).with_list_data().select_related("parent"), pk=pk)


def _common(extra: dict | None = None) -> dict:
    context = {"status_badge": STATUS_BADGE, "activity_status_badge": ACTIVITY_STATUS_BADGE}
    if extra:
        context.update(extra)
    return context


# --- list --------------------------------------------------------------------------


@login_required
def campaign_list(request):
    """Campaigns the user may see, filtered, searched, ordered and paginated."""
    base = Campaign.objects.visible_to(request.user).with_list_data()
    filterset = CampaignFilter(request.GET or None, queryset=base, request=request)
    campaigns = filterset.qs if filterset.is_bound else base
    if filterset.is_bound and not filterset.is_valid():
        campaigns = base.none()
    page = Paginator(campaigns, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ordering = request.GET.get("ordering", "")
    template = page_or_fragment(request, "campaigns/list.html", "campaigns/partials/_list_results.html")
    return render(
        request,
        template,
        _common(
            {
                "filterset": filterset,
                "page": page,
                "query": query.urlencode(),
                "ordering": ordering,
                "can_create": permissions.can_create_campaign(request.user),
                "bulk_form": BulkForm(user=request.user) if permissions.can_create_campaign(request.user) else None,
                "sort_columns": [
                    ("code", _("Code")),
                    ("name", _("Name")),
                    ("status", _("Status")),
                    ("team", _("Team")),
                    ("start_date", _("Start")),
                    ("end_date", _("End")),
                    ("planned_cost", _("Planned cost")),
                ],
            }
        ),
    )


# --- bulk changes (issue 18 item 1) -------------------------------------------------


def _bulk_ids(request, form) -> list[int]:
    """The ticked campaigns, or every campaign the list's filters match (as the list shows them)."""
    if not form.cleaned_data["all_matching"]:
        return [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    base = Campaign.objects.visible_to(request.user)
    filterset = CampaignFilter(QueryDict(form.cleaned_data["filters"]), queryset=base, request=request)
    if not filterset.is_valid():
        raise ValidationError(_("The list's filters are not valid any more. Filter the list again."))
    return list(filterset.qs.values_list("pk", flat=True)[: bulk.MAX_CAMPAIGNS + 1])


@login_required
@require_POST
def campaign_bulk(request):
    """Apply the bulk bar's action to the selected campaigns; the answer lists each campaign's outcome."""
    if not permissions.can_create_campaign(request.user):
        raise PermissionDenied(_("Only marketers and admins change campaigns."))
    form = BulkForm(request.POST, user=request.user)
    outcomes, batch, errors = [], None, []
    if form.is_valid():
        try:
            outcomes, batch = bulk.campaigns_bulk(
                ids=_bulk_ids(request, form),
                action=form.cleaned_data["action"],
                by=request.user,
                **form.service_params(),
            )
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [f"{form.fields[name].label}: {' '.join(problems)}" for name, problems in form.errors.items()]
    status = 200 if not errors else 400
    return render(request, "campaigns/bulk_result.html", _bulk_context(request, outcomes, batch, errors), status=status)


@login_required
@require_POST
def campaign_bulk_undo(request, pk):
    batch = get_object_or_404(CampaignBatch, pk=pk, kind=BatchKind.CAMPAIGN)
    if not (batch.created_by_id == request.user.pk or request.user.is_mrm_admin):
        raise Http404
    try:
        outcomes = bulk.campaigns_bulk_undo(batch=batch, by=request.user)
    except StateConflict as exc:
        return render(request, "campaigns/bulk_result.html", _bulk_context(request, [], None, [str(exc)]), status=409)
    return render(request, "campaigns/bulk_result.html", _bulk_context(request, outcomes, None, [], undone=True))


def _bulk_context(request, outcomes, batch, errors, undone=False) -> dict:
    names = Campaign.objects.visible_to(request.user).in_bulk([o.id for o in outcomes])
    rows = [(outcome, names.get(outcome.id)) for outcome in outcomes]
    return {
        "rows": rows,
        "changed": sum(1 for o in outcomes if o.ok),
        "refused": sum(1 for o in outcomes if not o.ok),
        "batch": batch,
        "errors": errors,
        "undone": undone,
    }


# --- create / edit -------------------------------------------------------------------


@login_required
def campaign_create(request):
    if not permissions.can_create_campaign(request.user):
        raise PermissionDenied(_("Only marketers of a team (and admins) create campaigns."))
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                by=request.user, channels=form.cleaned_data["channels"], **form.service_data()
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("team", str(exc))
        else:
            messages.success(request, _("Campaign %(code)s was created.") % {"code": campaign.code})
            return HttpResponseRedirect(campaign.get_absolute_url())
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request, pk):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign, by=request.user, channels=form.cleaned_data["channels"], **form.service_data()
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The campaign was saved."))
            return HttpResponseRedirect(campaign.get_absolute_url())
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


def _new_draft_page(request, *, source, start, done: str, template: str, context: dict):
    """The page that lays a plan out as a new draft: a clone of a campaign, or a template of the gallery.

    ``start(**cleaned_data)`` calls the service; its refusals go on the form.
    """
    form = CloneForm(request.POST or None, user=request.user, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            created = start(**form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return HttpResponseRedirect(created.get_absolute_url())
    return render(request, template, {"form": form, **context})


def _ensure_creator(request) -> None:
    if not permissions.can_create_campaign(request.user):
        raise PermissionDenied(_("Only marketers and admins create campaigns."))


@login_required
def campaign_clone(request, pk):
    """Start a new draft from this campaign's plan (issue 18 item 2)."""
    campaign = _visible_campaign(request, pk)
    _ensure_creator(request)
    return _new_draft_page(
        request,
        source=campaign,
        start=lambda **data: services.campaign_clone(campaign=campaign, by=request.user, **data),
        done=_("The campaign was cloned as a draft. Check its dates and people."),
        template="campaigns/clone.html",
        context={"campaign": campaign},
    )


@login_required
def campaign_save_template(request, pk):
    """Keep this campaign's plan in the template gallery."""
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = TemplateForm(request.POST or None, initial={"name": campaign.name, "description": campaign.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_template_save(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The campaign's plan was saved in the template gallery."))
            return HttpResponseRedirect(reverse("campaigns:templates"))
    return render(request, "campaigns/template_save.html", {"form": form, "campaign": campaign})


@login_required
def template_gallery(request):
    """The templates a marketer may start campaigns from."""
    _ensure_creator(request)
    templates = CampaignTemplate.objects.visible_to(request.user).select_related("team", "created_by")
    page = Paginator(templates, 24).get_page(request.GET.get("page"))
    for template in page:
        template.can_delete = permissions.can_delete_template(request.user, template)
    return render(request, "campaigns/templates.html", {"page": page})


@login_required
def template_start(request, pk):
    """A new draft from a template of the gallery."""
    _ensure_creator(request)
    template = get_object_or_404(CampaignTemplate.objects.visible_to(request.user), pk=pk)
    return _new_draft_page(
        request,
        source=template,
        start=lambda **data: services.campaign_start_from_template(template=template, by=request.user, **data),
        done=_("The campaign was created as a draft from the template."),
        template="campaigns/template_start.html",
        context={"template": template},
    )


@login_required
@require_POST
def template_delete(request, pk):
    template = get_object_or_404(CampaignTemplate.objects.visible_to(request.user), pk=pk)
    services.campaign_template_delete(template=template, by=request.user)
    messages.success(request, _("The template was removed from the gallery."))
    return HttpResponseRedirect(reverse("campaigns:templates"))


# --- discussion (issue 18 item 5) -------------------------------------------------------


@login_required
@require_POST
def campaign_comment(request, pk):
    """Post a comment on the campaign or one of its activities or tasks; answers the discussion again."""
    from comments.services import comment_post

    campaign = _visible_campaign(request, pk)
    kind, _sep, target_id = request.POST.get("about", f"campaign:{campaign.pk}").partition(":")
    error = ""
    parts = {"campaign": Campaign.objects.filter(pk=campaign.pk)}
    parts |= {"activity": campaign.activities.all(), "task": campaign.tasks.all()}
    if kind not in parts or not target_id.isdigit() or not parts[kind].filter(pk=target_id).exists():
        error = _("Choose what the comment is about among this campaign's own parts.")
    else:
        try:
            comment_post(target_type=kind, target_id=int(target_id), body=request.POST.get("body", ""), by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not is_fragment_request(request):
        (messages.error if error else messages.success)(request, error or _("Your comment was posted."))
        return HttpResponseRedirect(campaign.get_absolute_url() + "#discussion")
    page_data = campaign_page_data(campaign)
    context = {
        "campaign": campaign,
        **page_data,
        "comment_error": error,
        "comment_body": request.POST.get("body", "") if error else "",
    }
    # htmx swaps only successful answers: a refused comment comes back as the discussion with its error.
    return render(request, "campaigns/partials/_discussion.html", context)


# --- detail ---------------------------------------------------------------------------


@login_required
def campaign_detail(request, pk):
    campaign = _visible_campaign(request, pk)
    actions = permissions.available_actions(campaign, request.user)
    page_data = campaign_page_data(campaign)
    for task in page_data["tasks"]:
        task.can_toggle = actions["edit"] or task.assignee_id == request.user.pk
    attachments = card_context(
        request,
        url=reverse("campaigns:attachments", args=[campaign.pk]),
        targets=_attachment_targets(campaign, page_data["activities"], page_data["tasks"]),
    )
    page_data["history"] = _with_attachment_events(page_data["history"], attachments["card"])
    shared_with = []
    if campaign.confidential:
        shared_with = [
            grant.user
            for grant in CampaignUserObjectPermission.objects.filter(
                content_object=campaign, permission__codename="view_campaign"
            ).select_related("user")
        ]
    rollup = programme_rollup(programme=campaign, user=request.user)
    return render(
        request,
        "campaigns/detail.html",
        _common(
            {
                "campaign": campaign,
                "actions": actions,
                # A programme's totals over its subtree, within the reader's visibility and scope (issue 18 item 7).
                "rollup": rollup,
                "rollup_statuses": rollup_statuses(rollup),
                "rollup_scope": viewer_scope(request.user),
                "transition_form": TransitionForm(),
                "task_form": TaskForm(campaign=campaign, prefix="task") if actions["add_task"] else None,
                "share_form": ShareForm() if actions["share"] else None,
                "shared_with": shared_with,
                "children": campaign.children.visible_to(request.user).only("pk", "code", "name", "status", "parent"),
                "panels": campaign_panels(campaign),
                # A launch waiting for approval: its stage, approvers and since when, linked (§5).
                "pending_launch": launch_approval.open_launch_request_of(campaign)
                if campaign.pending_launch_request
                else None,
                **page_data,
                **attachments,
            }
        ),
    )


def _with_attachment_events(history: list, card: dict) -> list:
    """The page's timeline with each file attached and removed (who, when), from the card's rows: no query."""
    events = []
    for row in [*card["present"], *card["removed"]]:
        what = _("File")
        where = "" if row.about_page else _("on %(about)s") % {"about": row.about}
        events.append(
            {
                "at": row.uploaded_at,
                "user": row.uploaded_by,
                "kind": what,
                "object": row.name,
                "action": _("attached"),
                "changes": [],
                "reason": where,
            }
        )
        if row.removed_at is not None:
            events.append(
                {
                    "at": row.removed_at,
                    "user": row.removed_by,
                    "kind": what,
                    "object": row.name,
                    "action": _("removed"),
                    "changes": [],
                    "reason": where,
                }
            )
    return sorted([*history, *events], key=lambda entry: entry["at"], reverse=True)


def _attachment_targets(campaign, activities, tasks) -> list[tuple[str, object]]:
    """The campaign and its activities and tasks, each knowing its campaign (no query per part)."""
    for part in [*activities, *tasks]:
        part.campaign = campaign
    return [("campaign", campaign)] + [("activity", a) for a in activities] + [("task", t) for t in tasks]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_attachments(request, pk):
    """The campaign's attachments card (briefs, quotes, contracts): list, attach several files, remove one."""
    campaign = _visible_campaign(request, pk)
    activities = list(campaign.activities.order_by("start_date", "start_time"))
    tasks = list(Task.objects.filter(campaign=campaign))
    return card_response(
        request,
        url=reverse("campaigns:attachments", args=[campaign.pk]),
        targets=_attachment_targets(campaign, activities, tasks),
        back=campaign.get_absolute_url(),
    )


@login_required
@require_POST
def campaign_transition(request, pk):
    """Move a campaign (from its page or a board card); htmx gets the card back."""
    campaign = _visible_campaign(request, pk)
    if not permissions.can_transition_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot change this campaign's status."))
    form = TransitionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            campaign = services.campaign_transition(
                campaign=campaign,
                to_status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except (StateConflict, PermissionDenied) as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if is_fragment_request(request) and request.POST.get("from") == "board":
        campaign = _visible_campaign(request, pk)
        response = render(
            request,
            "campaigns/partials/_board.html",
            _board_context(
                request,
                error=error,
                error_campaign=campaign.pk,
                notice=None if error else _launch_notice(campaign),
            ),
        )
        return response
    if error:
        messages.error(request, error)
    elif _launch_notice(campaign):
        messages.success(request, _launch_notice(campaign))
    else:
        messages.success(
            request,
            _("%(code)s is now %(status)s.") % {"code": campaign.code, "status": campaign.get_status_display()},
        )
    if request.POST.get("from") == "board":
        # Back to the board as it was filtered (the filters travel in the query string).
        query = request.GET.urlencode()
        target = reverse("campaigns:board") + (f"?{query}" if query else "")
    else:
        target = campaign.get_absolute_url()
    return HttpResponseRedirect(target)


@login_required
@require_POST
def campaign_share(request, pk):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot share this campaign."))
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_share(campaign=campaign, user=form.cleaned_data["user"], by=request.user)
            messages.success(
                request, _("The campaign is now shared with %(name)s.") % {"name": form.cleaned_data["user"].full_name}
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, _("Choose someone to share the campaign with."))
    return HttpResponseRedirect(campaign.get_absolute_url() + "#sharing")


@login_required
@require_POST
def campaign_unshare(request, pk, user_id):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot share this campaign."))
    person = get_object_or_404(User, pk=user_id)
    try:
        services.campaign_unshare(campaign=campaign, user=person, by=request.user)
        messages.success(request, _("%(name)s no longer has access.") % {"name": person.full_name})
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(campaign.get_absolute_url() + "#sharing")


# --- activities, tasks, KPIs ------------------------------------------------------------


def _part_form_view(request, *, campaign, form, save, template_title, instance=None, anchor="", delete=None):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        except (PermissionDenied, StateConflict) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(campaign.get_absolute_url() + anchor)
    return render(
        request,
        "campaigns/part_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": template_title,
            "instance": instance,
            "delete_url": delete[0] if delete else None,
            "delete_label": delete[1] if delete else None,
        },
    )


@login_required
def activity_create(request, pk):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    initial = {"start_date": campaign.start_date, "end_date": campaign.end_date, "owner": request.user.pk}
    form = ActivityForm(request.POST or None, initial=initial)
    return _part_form_view(
        request,
        campaign=campaign,
        form=form,
        save=lambda data: services.activity_create(campaign=campaign, by=request.user, **data),
        template_title=_("New activity"),
        anchor="#activities",
    )


@login_required
def activity_edit(request, pk):
    activity = get_object_or_404(Activity.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    if not permissions.can_edit_campaign(request.user, activity.campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = ActivityForm(request.POST or None, instance=activity)
    return _part_form_view(
        request,
        campaign=activity.campaign,
        form=form,
        save=lambda data: services.activity_update(activity=activity, by=request.user, **data),
        template_title=_("Edit activity"),
        instance=activity,
        delete=(reverse("campaigns:activity_delete", args=[activity.pk]), _("Delete activity")),
        anchor=f"#activity-{activity.pk}",
    )


def _task_saver(request, campaign, task=None):
    """Save a task and what it depends on together (the dependencies first, so "done" is checked against them)."""

    @transaction.atomic
    def save(data):
        depends_on = data.pop("depends_on", None)
        if task is None:
            saved = services.task_create(campaign=campaign, by=request.user, **data)
            if depends_on:
                services.task_set_dependencies(task=saved, depends_on=depends_on, by=request.user)
            return saved
        if depends_on is not None:
            services.task_set_dependencies(task=task, depends_on=depends_on, by=request.user)
        return services.task_update(task=task, by=request.user, **data)

    return save


@login_required
def task_create(request, pk):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = TaskForm(request.POST or None, campaign=campaign, prefix="task")
    return _part_form_view(
        request,
        campaign=campaign,
        form=form,
        save=_task_saver(request, campaign),
        template_title=_("New task"),
        anchor="#tasks",
    )


@login_required
def task_edit(request, pk):
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    if not permissions.can_edit_campaign(request.user, task.campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = TaskForm(request.POST or None, instance=task, campaign=task.campaign, prefix="task")
    return _part_form_view(
        request,
        campaign=task.campaign,
        form=form,
        save=_task_saver(request, task.campaign, task),
        template_title=_("Edit task"),
        instance=task,
        delete=(reverse("campaigns:task_delete", args=[task.pk]), _("Delete task")),
        anchor="#tasks",
    )


@login_required
def my_tasks(request):
    """The tasks assigned to me across campaigns: overdue first, then by due date (issue 18 item 6)."""
    show_done = request.GET.get("done") == "1"
    tasks = tasks_of(request.user, include_done=show_done)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page:
        task.can_toggle = True  # the assignee ticks their own task off (permissions.can_complete_task)
        task.actions = {"edit": permissions.can_edit_campaign(request.user, task.campaign)}
    return render(
        request,
        "campaigns/my_tasks.html",
        _common(
            {
                "page": page,
                "show_done": show_done,
                "task_bulk_form": TaskBulkForm() if page.object_list else None,
                # The Export menu downloads these tasks (all of them, not the page) through the tasks API.
                "export_query": f"assignee={request.user.pk}" + ("" if show_done else "&done=false"),
            }
        ),
    )


def _task_row(request, task: Task, *, error: str = "", checklist_open: bool = False):
    """The task's row, as the campaign page and "my tasks" draw it (the htmx answer of its buttons)."""
    task = (
        Task.objects.select_related("assignee", "activity", "campaign")
        .prefetch_related("checklist", "depends_on")
        .get(pk=task.pk)
    )
    actions = permissions.available_actions(task.campaign, request.user)
    return render(
        request,
        "campaigns/partials/_task_row.html",
        {
            "task": task,
            "can_toggle": permissions.can_complete_task(request.user, task),
            "actions": actions,
            "task_error": error,
            "checklist_open": checklist_open,
            "in_my_tasks": request.POST.get("from") == "my_tasks",
            "task_bulk_form": request.POST.get("from") == "my_tasks",  # the row keeps its bulk tick box
        },
    )


def _back_to_task(request, task: Task):
    if request.POST.get("from") == "my_tasks":
        return HttpResponseRedirect(reverse("campaigns:my_tasks") + f"#task-{task.pk}")
    return HttpResponseRedirect(task.campaign.get_absolute_url() + f"#task-{task.pk}")


@login_required
@require_POST
def task_toggle(request, pk):
    """Tick a task off or reopen it; htmx swaps the task's row (a refusal is said in the row, with a 200)."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("campaign", "assignee"), pk=pk)
    if not permissions.can_complete_task(request.user, task):
        raise PermissionDenied(_("You cannot change this task."))
    try:
        task = services.task_set_done(task=task, done=request.POST.get("done") == "1", by=request.user)
    except StateConflict as exc:
        if is_fragment_request(request):
            return _task_row(request, task, error=str(exc))
        messages.error(request, str(exc))
        return _back_to_task(request, task)
    if is_fragment_request(request):
        return _task_row(request, task)
    return _back_to_task(request, task)


# --- checklists (issue 18 item 6) -----------------------------------------------------------


@login_required
@require_POST
def checklist_add(request, pk):
    """Add a step at the end of the task's checklist; htmx swaps the task's row."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    if not permissions.can_edit_checklist(request.user, task):
        raise PermissionDenied(_("You cannot change this task's checklist."))
    form = ChecklistItemForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.checklist_item_add(task=task, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(" ".join(problems) for problems in form.errors.values())
    if is_fragment_request(request):
        return _task_row(request, task, error=error, checklist_open=True)
    if error:
        messages.error(request, error)
    return _back_to_task(request, task)


@login_required
@require_POST
def checklist_toggle(request, pk):
    """Tick a step or untick it (the task's assignee and editors); htmx swaps the task's row."""
    item = get_object_or_404(ChecklistItem.objects.visible_to(request.user).select_related("task__campaign"), pk=pk)
    if not permissions.can_tick_checklist(request.user, item.task):
        raise PermissionDenied(_("You cannot change this task."))
    services.checklist_item_set_done(item=item, done=request.POST.get("done") == "1", by=request.user)
    if is_fragment_request(request):
        return _task_row(request, item.task, checklist_open=True)
    return _back_to_task(request, item.task)


@login_required
@require_POST
def checklist_delete(request, pk):
    item = get_object_or_404(ChecklistItem.objects.visible_to(request.user).select_related("task__campaign"), pk=pk)
    if not permissions.can_edit_checklist(request.user, item.task):
        raise PermissionDenied(_("You cannot change this task's checklist."))
    services.checklist_item_delete(item=item, by=request.user)
    if is_fragment_request(request):
        return _task_row(request, item.task, checklist_open=True)
    return _back_to_task(request, item.task)


# --- bulk changes of tasks (issue 18 item 1, from "my tasks") --------------------------------


@login_required
@require_POST
def task_bulk(request):
    """Apply the bulk bar of "my tasks" to the ticked tasks; the answer lists each task's outcome."""
    form = TaskBulkForm(request.POST)
    outcomes, batch, errors = [], None, []
    if form.is_valid():
        try:
            outcomes, batch = bulk.tasks_bulk(
                ids=[int(value) for value in request.POST.getlist("ids") if value.isdigit()],
                action=form.cleaned_data["action"],
                by=request.user,
                **form.service_params(),
            )
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [f"{form.fields[name].label}: {' '.join(problems)}" for name, problems in form.errors.items()]
    return render(
        request,
        "campaigns/bulk_result.html",
        _task_bulk_context(request, outcomes, batch, errors),
        status=200 if not errors else 400,
    )


@login_required
@require_POST
def task_bulk_undo(request, pk):
    batch = get_object_or_404(CampaignBatch, pk=pk, kind=BatchKind.TASK)
    if not (batch.created_by_id == request.user.pk or request.user.is_mrm_admin):
        raise Http404
    try:
        outcomes = bulk.tasks_bulk_undo(batch=batch, by=request.user)
    except StateConflict as exc:
        return render(
            request, "campaigns/bulk_result.html", _task_bulk_context(request, [], None, [str(exc)]), status=409
        )
    return render(request, "campaigns/bulk_result.html", _task_bulk_context(request, outcomes, None, [], undone=True))


def _task_bulk_context(request, outcomes, batch, errors, undone=False) -> dict:
    names = Task.objects.visible_to(request.user).select_related("campaign").in_bulk([o.id for o in outcomes])
    return {
        "rows": [(outcome, names.get(outcome.id)) for outcome in outcomes],
        "changed": sum(1 for o in outcomes if o.ok),
        "refused": sum(1 for o in outcomes if not o.ok),
        "batch": batch,
        "errors": errors,
        "undone": undone,
        "of_tasks": True,
    }


@login_required
def kpi_create(request, pk):
    campaign = _visible_campaign(request, pk)
    if not permissions.can_edit_campaign(request.user, campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = KPIForm(request.POST or None)
    return _part_form_view(
        request,
        campaign=campaign,
        form=form,
        save=lambda data: services.kpi_create(campaign=campaign, by=request.user, **data),
        template_title=_("New KPI"),
        anchor="#kpis",
    )


@login_required
def kpi_edit(request, pk):
    kpi = get_object_or_404(KPI.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    if not permissions.can_edit_campaign(request.user, kpi.campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    form = KPIForm(request.POST or None, instance=kpi)
    return _part_form_view(
        request,
        campaign=kpi.campaign,
        form=form,
        save=lambda data: services.kpi_update(kpi=kpi, by=request.user, **data),
        template_title=_("Edit KPI"),
        instance=kpi,
        delete=(reverse("campaigns:kpi_delete", args=[kpi.pk]), _("Delete KPI")),
        anchor="#kpis",
    )


@login_required
@require_POST
def part_delete(request, kind, pk):
    """Delete an activity, task or KPI from its edit page (history keeps the record)."""
    model, delete, label = {
        "activity": (
            Activity,
            lambda obj: services.activity_delete(activity=obj, by=request.user),
            _("The activity was deleted."),
        ),
        "task": (Task, lambda obj: services.task_delete(task=obj, by=request.user), _("The task was deleted.")),
        "kpi": (KPI, lambda obj: services.kpi_delete(kpi=obj, by=request.user), _("The KPI was deleted.")),
    }[kind]
    obj = get_object_or_404(model.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    if not permissions.can_edit_campaign(request.user, obj.campaign):
        raise PermissionDenied(_("You cannot edit this campaign."))
    campaign = obj.campaign
    delete(obj)
    messages.success(request, label)
    return HttpResponseRedirect(campaign.get_absolute_url())


# --- board and timeline ---------------------------------------------------------------


def _launch_notice(campaign) -> str | None:
    """What to tell the person whose move to active opened a launch approval request."""
    if getattr(campaign, "launch_request", None) is None:
        return None
    return _("Launch approval for %(code)s was requested; the campaign goes active once it is approved.") % {
        "code": campaign.code
    }


def _board_context(request, *, error=None, error_campaign=None, notice=None) -> dict:
    base = Campaign.objects.visible_to(request.user).with_list_data()
    filterset = CampaignFilter(request.GET or None, queryset=base, request=request)
    campaigns = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    # Closed campaigns of long ago would bury the board: show the last 90 days of them.
    recent = timezone.localdate() - dt.timedelta(days=90)
    campaigns = campaigns.filter(
        Q(status__in=[s for s in CampaignStatus.values if s not in ("completed", "cancelled")])
        | Q(end_date__gte=recent)
    ).order_by("start_date", "code")
    columns = board_columns(request.user, campaigns)
    for column in columns:
        query = request.GET.copy()
        query.setlist("status", [column["status"]])
        query.pop("page", None)
        column["list_query"] = query.urlencode()
        column["cards"] = [
            {"campaign": c, "actions": permissions.available_actions(c, request.user)} for c in column["campaigns"]
        ]
    return _common(
        {
            "columns": columns,
            "filterset": filterset,
            "error": error,
            "error_campaign": error_campaign,
            "notice": notice,
            "notice_campaign": error_campaign,
            # The list's bulk bar, on the board too: tick cards and change them the same way.
            "bulk_form": BulkForm(user=request.user) if permissions.can_create_campaign(request.user) else None,
        }
    )


@login_required
def board(request):
    """Campaigns by status; each card offers the moves its user may make (htmx)."""
    template = page_or_fragment(request, "campaigns/board.html", "campaigns/partials/_board.html")
    return render(request, template, _board_context(request))


def _date_param(request, name, default):
    try:
        day = dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default
    return day if date_in_window(day) else default


@login_required
def campaign_timeline(request):
    """A Gantt-like chart of campaigns and their activities over a date range."""
    today = timezone.localdate()
    default_start, default_end = services.quarter_bounds(today)
    start = _date_param(request, "start", default_start)
    end = _date_param(request, "end", default_end)
    error = None
    if end < start or (end - start).days > 731:
        error = _("Choose an end after the start, at most two years later.")
        start, end = default_start, default_end
    base = Campaign.objects.visible_to(request.user).with_list_data()
    filterset = CampaignFilter(request.GET or None, queryset=base, request=request)
    campaigns = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    campaigns = list(campaigns.overlapping(start, end).order_by("start_date", "code")[: TIMELINE_LIMIT + 1])
    truncated = len(campaigns) > TIMELINE_LIMIT
    campaigns = campaigns[:TIMELINE_LIMIT]
    return render(
        request,
        "campaigns/timeline.html",
        _common(
            {
                "chart": timeline(request.user, campaigns, start, end),
                "filterset": filterset,
                "error": error,
                "start": start,
                "end": end,
                "truncated": truncated,
                "limit": TIMELINE_LIMIT,
            }
        ),
    )


# --- the marketing calendar -------------------------------------------------------------


@login_required
@calendar_styles
def calendar(request):
    """Month, week and list views; events come from /api/v1/calendar/events/.

    The address keeps the filters and the place (``?date=&view=``): the page opens where it was left.
    """
    teams = list(Team.objects.filter(is_active=True))
    for team in teams:
        team.colour = team_colour(team.pk)
    return render(
        request,
        "campaigns/calendar.html",
        {
            "teams": teams,
            "channels": Channel.objects.filter(is_active=True),
            "types": ActivityType.choices,
            "statuses": CampaignStatus.choices,
            "kinds": CalendarEventKind.choices,
            "colour_by": CalendarColourBy.choices,
            "events_url": reverse("api:calendar-event-list"),
            "place": CalendarPlace.from_params(request.GET),
        },
    )


@login_required
def feed_list(request):
    """The user's ICS subscriptions: create one from a filter, copy its URL, revoke it."""
    # "Save a filter as a feed" on the calendar links here with the calendar's filters of the moment.
    form = CalendarFeedForm(request.POST or None, initial=CalendarFeedForm.initial_from(request.GET))
    if request.method == "POST" and form.is_valid():
        try:
            feed = services.calendar_feed_create(
                owner=request.user, name=form.cleaned_data["name"], filters=form.filters(), by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Feed “%(name)s” was created. Copy its address into your calendar app.") % {"name": feed.name},
            )
            return HttpResponseRedirect(reverse("campaigns:feeds"))
    feeds = CalendarFeed.objects.visible_to(request.user)
    return render(
        request,
        "campaigns/feeds.html",
        {"form": form, "feeds": feeds, "base_url": site_url(request)},
    )


@login_required
@require_POST
def feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed.objects.visible_to(request.user), pk=pk)
    services.calendar_feed_revoke(feed=feed, by=request.user)
    messages.success(request, _("The feed was revoked; its address no longer works."))
    return HttpResponseRedirect(reverse("campaigns:feeds"))


@require_safe  # calendar apps may check the address with HEAD before subscribing
def feed_ics(request, token):
    """The iCalendar feed behind a secret token; a revoked or unknown token is a 404.

    It shows what the feed's owner may see today, so a confidential campaign
    never reaches a calendar app of someone who could not open it.
    """
    feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).select_related("owner").first()
    if feed is None or not feed.owner.is_active:
        raise Http404
    body = feed_calendar(feed, base_url=site_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mrm-calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the embeddable public calendar -------------------------------------------------------


@require_safe
@embeddable
def embed(request):
    """The public calendar for an <iframe> on the corporate website (public activities only).

    It opens on the month of the next public activity when this month has none ahead, or where
    its address says (``?date=2027-03-01&view=month``, for a link to a given month).
    """
    place = CalendarPlace.from_params(request.GET, views=PUBLIC_CALENDAR_VIEWS)
    return render(
        request,
        "campaigns/embed.html",
        {
            "events_url": absolute_url(reverse("campaigns:embed_events"), request=request),
            "initial_date": place.date or public_calendar_month(timezone.localdate()),
            "place": place,
        },
    )


@require_safe
def embed_events(request):
    """The public calendar's events as JSON: public activities, public fields only.

    ``?start=&end=`` asks for a window (as FullCalendar does); ``?upcoming=N``
    for the next N public activities however far ahead (for a list on the website).
    """
    today = timezone.localdate()
    try:
        if "upcoming" in request.GET:
            events = upcoming_public_events(today, limit=upcoming_limit(request.GET))
        else:
            query = CalendarQuery.from_params(
                request.GET,
                start=None if request.GET.get("start") else today - dt.timedelta(days=31),
                end=None if request.GET.get("end") else today + dt.timedelta(days=186),
            )
            events = public_events(query.start, query.end)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages}, status=400)
    response = JsonResponse(events, safe=False)
    # Public data: the corporate website may read it directly too.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def embed_snippet(request):
    """For admins: the HTML to paste into the corporate website, and who may frame it."""
    if not request.user.is_mrm_admin:
        raise PermissionDenied(_("Only administrators manage the public calendar."))
    from campaigns.embed import frame_ancestors

    embed_url = absolute_url(reverse("campaigns:embed"), request=request)
    public_count = Activity.objects.public().count()
    return render(
        request,
        "campaigns/embed_snippet.html",
        {
            "embed_url": embed_url,
            "events_url": absolute_url(reverse("campaigns:embed_events"), request=request),
            "ancestors": frame_ancestors(),
            "public_count": public_count,
        },
    )
