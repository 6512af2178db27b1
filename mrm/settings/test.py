"""Tests: the embedded default made fast and deterministic.

``DATABASE_URL`` and ``REDIS_URL`` still switch to PostgreSQL and Redis, so CI
runs the same suite on the production stack.
"""

from mrm.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "mrm-tests-only"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "test-media"  # noqa: F405
# Tests call tasks directly; the Redis worker itself has its own test.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = CELERY_BROKER_URL if REDIS_URL else "memory://localhost/"  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
