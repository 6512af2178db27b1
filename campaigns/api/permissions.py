"""Refuse writes before validating them: who may change campaigns and their parts (§2).

Reading is scoped by ``visible_to`` in the base viewset. A person who may not
write gets a 403 straight away (not field errors for a body they were never
allowed to send); the services check again with the full rule.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from campaigns import permissions
from campaigns.models import Campaign, CampaignTemplate, Task


class CampaignWrites(BasePermission):
    message = _("Only marketers of the campaign's team and admins change campaigns.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) in ("update", "partial_update") and view.basename == "task":
            return True  # an assignee may tick off a task: decided per object below
        if getattr(view, "action", None) in ("bulk", "bulk_undo") and view.basename == "task":
            return True  # an assignee may tick off many tasks: each is decided by the service
        return permissions.can_create_campaign(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) in ("clone", "start"):
            return True  # reading the source is enough; the service decides the new campaign's team
        if isinstance(obj, CampaignTemplate):
            return permissions.can_delete_template(request.user, obj)
        campaign = obj if isinstance(obj, Campaign) else obj.campaign
        if isinstance(obj, Task) and set(request.data) <= {"done"} and request.data:
            return permissions.can_complete_task(request.user, obj)
        return permissions.can_edit_campaign(request.user, campaign)


class ChecklistWrites(BasePermission):
    """Steps: the campaign's editors change them; whoever may tick the task off ticks them."""

    message = _("You cannot change this task's checklist.")

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if request.method in ("PUT", "PATCH") and request.data and set(request.data) <= {"done"}:
            return permissions.can_tick_checklist(request.user, obj.task)
        return permissions.can_edit_checklist(request.user, obj.task)
