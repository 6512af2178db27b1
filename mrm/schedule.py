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
}
