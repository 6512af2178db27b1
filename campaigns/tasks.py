"""Celery wrappers of the campaigns jobs; the schedule is in mrm/schedule.py."""

from celery import shared_task

from campaigns import jobs


@shared_task(name="campaigns.tasks.send_task_reminders_task", ignore_result=True, time_limit=300)
def send_task_reminders_task() -> int:
    return jobs.send_task_reminders()
