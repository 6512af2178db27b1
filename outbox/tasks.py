"""The outbox's periodic jobs: relay what is due, sweep stuck jobs, forget old messages."""

from celery import shared_task


@shared_task(name="outbox.tasks.relay_outbox_task", ignore_result=True, time_limit=30 * 60)
def relay_outbox_task() -> int:
    """Hand every due message over (claims make it safe beside the relay process)."""
    from outbox.relay import relay_due

    return relay_due().sent


@shared_task(name="outbox.tasks.sweep_stuck_jobs_task", ignore_result=True, time_limit=300)
def sweep_stuck_jobs_task() -> dict:
    """Re-queue or fail the jobs stuck past their limit (each app's registered sweep)."""
    from outbox.sweeper import sweep_stuck_jobs

    return sweep_stuck_jobs()


@shared_task(name="outbox.tasks.purge_dispatched_messages_task", ignore_result=True, time_limit=600)
def purge_dispatched_messages_task() -> int:
    """Delete messages dispatched more than MRM_OUTBOX_KEEP_DAYS ago."""
    from outbox.services import purge_dispatched

    return purge_dispatched()
