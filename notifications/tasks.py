"""Notification e-mails, sent by a worker after the writing transaction committed."""

from celery import shared_task

from notifications.services import notification_send_email


@shared_task(
    name="notifications.tasks.send_notification_email_task",
    ignore_result=True,
    time_limit=60,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email_task(notification_id: int) -> bool:
    """Send one notification's e-mail; a second run (or a retry after success) sends nothing."""
    return notification_send_email(notification_id=notification_id)
