"""Budgets' background jobs: thin wrappers around services, safe to run twice."""

from celery import shared_task

from budgets import services


@shared_task(name="budgets.tasks.purge_import_previews_task", ignore_result=True, time_limit=300)
def purge_import_previews_task() -> int:
    """Daily: drop import files previewed but never confirmed for a week (idempotent)."""
    return services.import_previews_purge()
