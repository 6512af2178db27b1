"""Tests: the embedded default made fast and deterministic.

``DATABASE_URL`` and ``REDIS_URL`` still switch to PostgreSQL and Redis, so CI
runs the same suite on the production stack.
"""

import os
import re

# Parallel runs (pytest-xdist, scripts/test.sh): each test process gets its own
# Redis database (15, 14, ...), so one process's Celery worker never takes
# another's task; its own database comes from pytest-django (test_mrm_gw0, ...).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
if _WORKER and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = re.sub(
        r"/(\d+)$", lambda m: f"/{(int(m.group(1)) - _WORKER) % 16}", os.environ["REDIS_URL"].rstrip("/")
    )

from mrm.settings.base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = "mrm-tests-only"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / f"test-media-{_WORKER}"  # noqa: F405
# Tests call tasks directly; the Redis worker itself has its own test.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = CELERY_BROKER_URL if REDIS_URL else "memory://localhost/"  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
