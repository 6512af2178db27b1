"""Scheduled work of campaigns (the schedule is in mrm/schedule.py): task reminders (issue 18 item 6)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from campaigns import messages
from campaigns.choices import CLOSED_STATUSES
from campaigns.models import Task
from notifications.choices import NotificationKind
from notifications.services import notify


def due_tasks(day: dt.date):
    """Open tasks due on ``day`` with an active assignee, of campaigns still running."""
    return (
        Task.objects.filter(done=False, due_date=day, assignee__is_active=True)
        .exclude(campaign__status__in=CLOSED_STATUSES)
        .select_related("campaign", "assignee")
    )


def send_task_reminders(today: dt.date | None = None) -> int:
    """Remind each assignee ``MRM_TASK_REMINDER_DAYS`` before a task's due date and on the day.

    Runs hourly and as often as anyone likes: the dedupe key (task, due
    date, which reminder) means a reminder is sent once, and once more only
    if the due date moves. Returns how many reminders went out.
    """
    today = today or timezone.localdate()
    sent = 0
    ahead = int(settings.MRM_TASK_REMINDER_DAYS)
    plans = [(today, messages.TASK_DUE_TODAY, "today")]
    if ahead > 0:
        plans.insert(0, (today + dt.timedelta(days=ahead), messages.TASK_DUE_SOON, "soon"))
    for day, message, which in plans:
        for task in due_tasks(day):
            sent += len(
                notify(
                    recipients=[task.assignee],
                    kind=NotificationKind.REMINDER,
                    message=message,
                    params={"task": task.title, "campaign": str(task.campaign), "due": task.due_date},
                    url=task.campaign.get_absolute_url() + f"#task-{task.pk}",
                    dedupe_key=f"task-reminder:{task.pk}:{task.due_date.isoformat()}:{which}",
                )
            )
    return sent
