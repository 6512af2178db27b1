"""What campaigns write on their own, as message keys rendered in the reader's language (``mrm.messages``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

NOTE_LAUNCH_APPROVED = "campaigns.note.launch_approved"
TASK_DUE_SOON = "campaigns.task.due_soon"
TASK_DUE_TODAY = "campaigns.task.due_today"


def register() -> None:
    register_message(NOTE_LAUNCH_APPROVED, title=gettext_lazy("Launch approved (approval request #%(id)s)."))
    register_message(
        TASK_DUE_SOON,
        title=gettext_lazy("Task due %(due)s: %(task)s"),
        body=gettext_lazy("Campaign %(campaign)s."),
        types={"due": "date"},
    )
    register_message(
        TASK_DUE_TODAY,
        title=gettext_lazy("Task due today: %(task)s"),
        body=gettext_lazy("Campaign %(campaign)s."),
    )
