"""Thin Celery wrappers around webhooks.services: ids in, idempotent (a claim decides who sends)."""

from celery import shared_task

from webhooks import services


@shared_task(soft_time_limit=60, time_limit=90)
def deliver_webhook_message_task(message_id: int) -> bool:
    """One attempt at a webhook message; a duplicate or an early run finds nothing due and returns."""
    return services.message_deliver(message_id=message_id) is not None


@shared_task(soft_time_limit=120, time_limit=180)
def retry_due_webhook_messages_task() -> int:
    """Every minute: messages whose next attempt is due go to the outbox."""
    return services.retry_due()
