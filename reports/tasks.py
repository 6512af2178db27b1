"""Thin Celery wrappers around the reports' services: ids in, idempotent, safe to run twice."""

from celery import shared_task


@shared_task(
    bind=True, name="reports.tasks.run_report_task", ignore_result=True, time_limit=15 * 60, soft_time_limit=14 * 60
)
def run_report_task(self, run_id: int) -> None:
    """Render a queued export; a run already started or finished is left alone.

    Unless this same message comes back redelivered: the broker does that only
    when the worker that ran it was lost, so the run starts again (or fails
    after its last attempt) instead of staying "running" forever.
    """
    from reports.services import report_run_execute

    delivery = self.request.delivery_info or {}
    report_run_execute(run_id, claim=self.request.id or "", redelivered=bool(delivery.get("redelivered")))


@shared_task(name="reports.tasks.send_due_subscriptions_task", ignore_result=True, time_limit=30 * 60)
def send_due_subscriptions_task() -> int:
    """E-mail the subscriptions due today; a period already sent is never sent again."""
    from reports.services import send_due_subscriptions

    return send_due_subscriptions()


@shared_task(name="reports.tasks.purge_report_files_task", ignore_result=True, time_limit=600)
def purge_report_files_task() -> int:
    """Delete export files older than MRM_REPORT_FILE_DAYS."""
    from reports.services import purge_report_files

    return purge_report_files()
