"""How far a job has got while it writes inside one transaction.

Applying a plan runs in a single transaction with the job row locked, so no
one else could read a progress column updated there. The writer reports
through the cache instead (Redis in production, shared by web and workers;
a file cache in the embedded default) and readers take the cache's figure
while the job is ``applying``. Progress is a courtesy: a cache that fails
never fails an import.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

_job: ContextVar[int | None] = ContextVar("mrm_import_job", default=None)
#: Long enough for the longest apply; the key is removed when the apply ends.
TIMEOUT = 6 * 3600


def _key(job_id: int) -> str:
    return f"mrm:imports:apply-progress:{job_id}"


@contextmanager
def reporting(job_id: int):
    """Within the block, :func:`report` speaks for this job."""
    token = _job.set(job_id)
    try:
        yield
    finally:
        _job.reset(token)
        _cache_call(cache.delete, _key(job_id))


def report(fraction: float) -> None:
    """The share of the apply done (0–1), shown as 1–99 % until the job is applied; no-op outside a job."""
    job_id = _job.get()
    if job_id is not None:
        _cache_call(cache.set, _key(job_id), max(1, min(99, int(fraction * 100))), TIMEOUT)


def current(job_id: int) -> int | None:
    """The reported percentage of an apply under way, ``None`` when nothing was reported."""
    return _cache_call(cache.get, _key(job_id))


def _cache_call(method, *args):
    try:
        return method(*args)
    except Exception:  # a cache outage loses the progress bar, never the import
        logger.warning("import progress: the cache did not answer", exc_info=True)
        return None
