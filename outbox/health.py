"""The outbox on the health page: messages waiting for the broker, and for how long."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from outbox.choices import MessageState
from outbox.models import Message


def check_outbox() -> dict:
    """``backlog`` when a message has waited longer than ``MRM_OUTBOX_BACKLOG_MINUTES`` (the relay cannot deliver)."""
    pending = Message.objects.filter(state=MessageState.PENDING).aggregate(count=Count("pk"), oldest=Min("created_at"))
    failed = Message.objects.filter(state=MessageState.FAILED).count()
    oldest = pending["oldest"]
    late = oldest is not None and timezone.now() - oldest > timedelta(minutes=settings.MRM_OUTBOX_BACKLOG_MINUTES)
    return {
        "status": "backlog" if late else "ok",
        "pending": pending["count"],
        "oldest_pending": oldest.isoformat() if oldest else None,
        "failed": failed,
    }
