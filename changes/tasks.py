"""Change requests' background jobs: thin wrappers around ``changes.jobs``, safe to run twice."""

from celery import shared_task

from changes import jobs


@shared_task(name="changes.tasks.ask_stale_change_requests_task", ignore_result=True, time_limit=300)
def ask_stale_change_requests_task() -> int:
    return jobs.ask_stale_change_requests()


@shared_task(name="changes.tasks.withdraw_unconfirmed_change_requests_task", ignore_result=True, time_limit=300)
def withdraw_unconfirmed_change_requests_task() -> int:
    return jobs.withdraw_unconfirmed_change_requests()
