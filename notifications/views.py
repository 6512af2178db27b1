"""Notification pages: the list, mark one read (and follow its link), mark all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mrm.htmx import is_fragment_request, page_or_fragment
from notifications import services
from notifications.models import Notification

PAGE_SIZE = 30


@login_required
def notification_list(request):
    """The person's notifications, newest first; ``?unread=1`` shows what the bell counts (unread, not resolved).

    Resolved ones (an approval decided meanwhile) stay in the full list,
    marked done with the reason, rendered in the reader's language.
    """
    notifications = Notification.objects.visible_to(request.user).with_list_data()
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notifications = notifications.to_do()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    template = page_or_fragment(request, "notifications/list.html", "notifications/partials/_list.html")
    return render(request, template, {"page": page, "only_unread": only_unread})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark read; htmx gets the row back, a plain form follows the notification's link."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user).with_list_data(), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    if is_fragment_request(request):
        return render(request, "notifications/partials/_row.html", {"notification": notification})
    target = notification.url if request.POST.get("follow") else ""
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_all_read(by=request.user)
    if is_fragment_request(request):
        return notification_list(request)
    return HttpResponseRedirect(reverse("notifications:list"))
