"""``manage.py run_outbox_relay``: the relay process, which keeps working while the broker is down."""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from outbox.relay import relay_due

logger = logging.getLogger("outbox")


class Command(BaseCommand):
    help = (
        "Hand the side effects recorded by writes (outbox messages) to Celery, every few seconds, "
        "retrying with backoff while the broker is down. Run one next to the workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between rounds (default MRM_OUTBOX_RELAY_INTERVAL).",
        )
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, interval=None, once=False, **options):
        interval = settings.MRM_OUTBOX_RELAY_INTERVAL if interval is None else interval
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not once:
            logger.info("outbox relay: started, a round every %ss", interval)
        while not stopping:
            try:
                result = relay_due()
            except DatabaseError as exc:
                logger.warning("outbox relay: the database is not answering (%s); trying again", exc)
            except Exception:  # keep relaying: one bad round must not stop the process
                logger.exception("outbox relay: the round failed; trying again")
            else:
                if result:
                    logger.info(
                        "outbox relay: %s dispatched, %s to retry, %s failed",
                        result.sent,
                        result.retried,
                        result.failed,
                    )
            if once:
                break
            close_old_connections()  # between rounds: a restarted database is reconnected, not fatal
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
        if not once:
            logger.info("outbox relay: stopped")
