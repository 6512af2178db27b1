"""Production: PostgreSQL + Redis + Celery workers and beat behind HTTPS.

Refuses to start without a secret key and the hosts it serves, and passes
``manage.py check --deploy --fail-level WARNING``.
"""

from mrm import env
from mrm.settings.base import *  # noqa: F403

DEBUG = False
MRM_PRODUCTION = True
SECRET_KEY = env.require_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts MRM serves.")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "mrm.staticfiles.StaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.get_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
