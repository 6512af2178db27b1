"""Every periodic job of MRM, in one place.

Each app adds its jobs here when it gains one; the tasks themselves are
idempotent, so a job that runs twice has no double effect.
"""

from datetime import timedelta

BEAT_SCHEDULE: dict[str, dict] = {
    "record-heartbeat": {
        "task": "mrm.tasks.record_heartbeat_task",
        "schedule": timedelta(minutes=1),
    },
    # outbox (docs/OPERATIONS.md): side effects the relay process has not handed over yet. In the
    # embedded default this runs in the scheduler's own process, the relay of that mode; with a
    # broker it is a second path beside `manage.py run_outbox_relay` (claims keep it single).
    "outbox-relay": {
        "task": "outbox.tasks.relay_outbox_task",
        "schedule": timedelta(seconds=30),
    },
    # jobs stuck past their limit (a worker killed mid-run): restarted or failed with the reason
    "outbox-sweep": {
        "task": "outbox.tasks.sweep_stuck_jobs_task",
        "schedule": timedelta(minutes=5),
    },
    "outbox-purge": {
        "task": "outbox.tasks.purge_dispatched_messages_task",
        "schedule": timedelta(days=1),
    },
    # approvals (PRODUCT.md §5): idempotent, so the hourly runs never send twice
    "approvals-stage-reminders": {
        "task": "approvals.tasks.send_stage_reminders_task",
        "schedule": timedelta(hours=1),
    },
    "approvals-escalations": {
        "task": "approvals.tasks.escalate_overdue_stages_task",
        "schedule": timedelta(hours=1),
    },
    "approvals-stale-requests": {
        "task": "approvals.tasks.ask_stale_requests_task",
        "schedule": timedelta(hours=6),
    },
    "approvals-withdraw-unconfirmed": {
        "task": "approvals.tasks.withdraw_unconfirmed_requests_task",
        "schedule": timedelta(hours=6),
    },
    # campaigns (docs/CAMPAIGNS.md): task reminders before and on the due date, each sent once
    "campaigns-task-reminders": {
        "task": "campaigns.tasks.send_task_reminders_task",
        "schedule": timedelta(hours=1),
    },
    # imports (docs/OPERATIONS.md): uploads parsed but never confirmed are deleted with their plan
    "imports-purge-unconfirmed": {
        "task": "imports.tasks.purge_import_jobs_task",
        "schedule": timedelta(days=1),
    },
    # webhooks (docs/WEBHOOKS.md): failed deliveries whose next attempt is due go back to the outbox
    "webhooks-retry-due": {
        "task": "webhooks.tasks.retry_due_webhook_messages_task",
        "schedule": timedelta(minutes=1),
    },
    # reports (PRODUCT.md §6): a period of a subscription is sent once, however often this runs
    "reports-send-subscriptions": {
        "task": "reports.tasks.send_due_subscriptions_task",
        "schedule": timedelta(hours=1),
    },
    "reports-purge-run-files": {
        "task": "reports.tasks.purge_report_files_task",
        "schedule": timedelta(days=1),
    },
    # change requests (PRODUCT.md §7): the same "still needed, why?" as approvals, idempotent
    "changes-stale-requests": {
        "task": "changes.tasks.ask_stale_change_requests_task",
        "schedule": timedelta(hours=6),
    },
    "changes-withdraw-unconfirmed": {
        "task": "changes.tasks.withdraw_unconfirmed_change_requests_task",
        "schedule": timedelta(hours=6),
    },
    # help (PRODUCT.md §7): each unanswered question escalates to the admins once
    "help-escalate-questions": {
        "task": "help.tasks.escalate_unanswered_questions_task",
        "schedule": timedelta(minutes=30),
    },
}
