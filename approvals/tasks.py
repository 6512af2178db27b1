"""Celery wrappers of the approvals jobs; the schedule is in mrm/schedule.py."""

from celery import shared_task

from approvals import jobs


@shared_task(name="approvals.tasks.send_stage_reminders_task", ignore_result=True, time_limit=300)
def send_stage_reminders_task() -> int:
    return jobs.send_stage_reminders()


@shared_task(name="approvals.tasks.escalate_overdue_stages_task", ignore_result=True, time_limit=300)
def escalate_overdue_stages_task() -> int:
    return jobs.escalate_overdue_stages()


@shared_task(name="approvals.tasks.ask_stale_requests_task", ignore_result=True, time_limit=300)
def ask_stale_requests_task() -> int:
    return jobs.ask_stale_requests()


@shared_task(name="approvals.tasks.withdraw_unconfirmed_requests_task", ignore_result=True, time_limit=300)
def withdraw_unconfirmed_requests_task() -> int:
    return jobs.withdraw_unconfirmed_requests()
