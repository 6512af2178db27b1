from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["view_campaign", "view_activity", "view_task", "view_kpi", "view_channel", "view_campaigntransition"]
_WRITE = [
    "add_campaign",
    "change_campaign",
    "add_activity",
    "change_activity",
    "delete_activity",
    "add_task",
    "change_task",
    "delete_task",
    "add_kpi",
    "change_kpi",
    "delete_kpi",
]


class CampaignsConfig(AppConfig):
    """Campaigns, activities, tasks, KPIs, materials and the calendar (PRODUCT.md §3)."""

    name = "campaigns"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    # Model permissions per role; which objects each may touch is decided by
    # Campaign.objects.visible_to(user) and campaigns.permissions.
    role_permissions = {
        "marketer": _READ + _WRITE,
        "approver": _READ,
        "leadership": _READ,
        "finance": _READ,
    }

    def ready(self):
        from campaigns import launch_approval, messages

        messages.register()  # notes campaigns write, rendered in each reader's language
        _register_comment_targets()
        _register_attachment_targets()

        # Campaign launch approval (§5) and approvers' view of confidential campaigns (§2).
        launch_approval.register()
        # §7: open campaigns a user owns or sponsors are handed over before they leave.
        from campaigns import holdings

        holdings.register()
        # Campaigns from the old spreadsheets, through the import engine (issue 17).
        from campaigns import importers

        importers.register()
        from campaigns import part_importers

        part_importers.register()


def _register_comment_targets() -> None:
    """Campaigns, activities and tasks carry a discussion, shown on the campaign's page (issue 18 item 5)."""
    from campaigns.models import Activity, Campaign, Task
    from comments.registry import CommentTarget, register_target

    def on_page(obj) -> str:
        campaign = obj if isinstance(obj, Campaign) else obj.campaign
        return campaign.get_absolute_url().split("#")[0] + "#discussion"

    register_target(
        CommentTarget(
            "campaign",
            visible=lambda user: Campaign.objects.visible_to(user),
            label=str,
            url=on_page,
            title=_("campaign"),
        )
    )
    register_target(
        CommentTarget(
            "activity",
            visible=lambda user: Activity.objects.visible_to(user).select_related("campaign"),
            label=lambda activity: f"{activity.campaign.code} · {activity.name}",
            url=on_page,
            title=_("activity"),
        )
    )
    register_target(
        CommentTarget(
            "task",
            visible=lambda user: Task.objects.visible_to(user).select_related("campaign"),
            label=lambda task: f"{task.campaign.code} · {task.title}",
            url=on_page,
            title=_("task"),
        )
    )


def _register_attachment_targets() -> None:
    """Campaigns, activities and tasks carry attachments (briefs, quotes), shown on the campaign's page (issue 18
    item 3); whoever edits the campaign attaches and removes them."""
    from attachments.registry import AttachmentTarget, register_target
    from campaigns.models import Activity, Campaign, Task
    from campaigns.permissions import can_edit_campaign

    def on_page(obj) -> str:
        campaign = obj if isinstance(obj, Campaign) else obj.campaign
        return campaign.get_absolute_url().split("#")[0] + "#attachments"

    register_target(
        AttachmentTarget(
            "campaign",
            visible=lambda user: Campaign.objects.visible_to(user),
            can_change=can_edit_campaign,
            label=str,
            url=on_page,
            title=_("campaign"),
        )
    )
    register_target(
        AttachmentTarget(
            "activity",
            visible=lambda user: Activity.objects.visible_to(user).select_related("campaign"),
            can_change=lambda user, activity: can_edit_campaign(user, activity.campaign),
            label=lambda activity: activity.name,
            url=on_page,
            title=_("activity"),
        )
    )
    register_target(
        AttachmentTarget(
            "task",
            visible=lambda user: Task.objects.visible_to(user).select_related("campaign"),
            can_change=lambda user, task: can_edit_campaign(user, task.campaign),
            label=lambda task: task.title,
            url=on_page,
            title=_("task"),
        )
    )
