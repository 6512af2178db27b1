"""Webhook pages: list, create (the secret shown once), detail with the delivery log, commands.

Only admins and integration users (``webhooks.add_webhook``) reach them; each
sees their own webhooks, admins all (``Webhook.objects.visible_to``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request, page_or_fragment
from webhooks import services
from webhooks.forms import WebhookForm
from webhooks.models import Webhook, WebhookDelivery
from webhooks.permissions import available_actions, can_manage_webhooks

PAGE_SIZE = 25


def _require_manager(request) -> None:
    if not can_manage_webhooks(request.user):
        raise PermissionDenied(_("Only administrators and integration users can manage webhooks."))


def _webhook(request, pk) -> Webhook:
    _require_manager(request)
    return get_object_or_404(Webhook.objects.visible_to(request.user).select_related("owner"), pk=pk)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def webhook_list(request):
    _require_manager(request)
    webhooks = Webhook.objects.visible_to(request.user).select_related("owner").order_by("name", "pk")
    return render(request, "webhooks/list.html", {"webhooks": webhooks})


@login_required
def webhook_create(request):
    """GET the form; POST subscribes and answers with the secret, shown this once and never again."""
    _require_manager(request)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return render(request, "webhooks/secret.html", {"webhook": webhook, "created": True})
    return render(request, "webhooks/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def webhook_detail(request, pk):
    """The webhook, its settings form and its delivery log (paged; htmx gets the log alone)."""
    webhook = _webhook(request, pk)
    log = WebhookDelivery.objects.filter(webhook=webhook).select_related("message").order_by("-created_at", "-pk")
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    form = WebhookForm(initial={"name": webhook.name, "url": webhook.url, "events": webhook.events})
    template = page_or_fragment(request, "webhooks/detail.html", "webhooks/partials/_log.html")
    return render(
        request,
        template,
        {
            "webhook": webhook,
            "page": page,
            "form": form,
            "actions": available_actions(webhook, request.user),
        },
    )


@login_required
@require_POST
def webhook_edit(request, pk):
    webhook = _webhook(request, pk)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            services.webhook_update(webhook=webhook, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return HttpResponseRedirect(reverse("webhooks:detail", args=[webhook.pk]))
    log = WebhookDelivery.objects.filter(webhook=webhook).select_related("message").order_by("-created_at", "-pk")
    page = Paginator(log, PAGE_SIZE).get_page(1)
    context = {
        "webhook": webhook,
        "page": page,
        "form": form,
        "actions": available_actions(webhook, request.user),
    }
    return render(request, "webhooks/detail.html", context, status=400)


@login_required
@require_POST
def webhook_toggle(request, pk):
    """Switch on or off; switching on forgets past failures and sends what waited."""
    webhook = _webhook(request, pk)
    services.webhook_update(webhook=webhook, by=request.user, is_active=not webhook.is_active)
    return HttpResponseRedirect(reverse("webhooks:detail", args=[webhook.pk]))


@login_required
@require_POST
def webhook_rotate(request, pk):
    """A new secret, shown once; the old one signs beside it for 24 hours."""
    webhook = services.webhook_rotate_secret(webhook=_webhook(request, pk), by=request.user)
    return render(request, "webhooks/secret.html", {"webhook": webhook, "created": False})


@login_required
@require_POST
def webhook_delete(request, pk):
    webhook = _webhook(request, pk)
    services.webhook_delete(webhook=webhook, by=request.user)
    messages.success(request, _("Webhook deleted."))
    return HttpResponseRedirect(reverse("webhooks:list"))


@login_required
@require_POST
def delivery_redeliver(request, pk):
    """Send the attempt's message again (same webhook-id); htmx gets a line saying so."""
    _require_manager(request)
    delivery = get_object_or_404(WebhookDelivery.objects.visible_to(request.user).select_related("message"), pk=pk)
    try:
        services.message_redeliver(message=delivery.message, by=request.user)
        text, ok = _("Redelivery queued."), True
    except StateConflict as exc:
        text, ok = str(exc), False
    if is_fragment_request(request):
        return render(
            request, "webhooks/partials/_redelivered.html", {"text": text, "ok": ok}, status=200 if ok else 409
        )
    (messages.success if ok else messages.error)(request, text)
    return HttpResponseRedirect(reverse("webhooks:detail", args=[delivery.webhook_id]))
