"""Settings shared by every MRM mode.

The embedded default (SQLite, tasks in-process) needs no server at all;
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and a real Celery
broker. Environment variables are read only through :mod:`mrm.env`.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from mrm import env
from mrm.storage import s3_storage

BASE_DIR = env.BASE_DIR
DATA_DIR: Path = env.get_path("MRM_DATA_DIR", BASE_DIR / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.get_str("DJANGO_SECRET_KEY", "")
# Earlier secret keys, still accepted while rotating: sessions, password-reset links and API tokens
# made under them keep working until they expire (docs/DEPLOY.md, "API tokens").
SECRET_KEY_FALLBACKS = env.get_list("DJANGO_SECRET_KEY_FALLBACKS")
DEBUG = False
ALLOWED_HOSTS = env.get_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    # MRM, lowest floor first
    "mrm",
    "outbox",
    "accounts",
    "imports",
    "notifications",
    "comments",  # generic discussion engine: targets registered by the apps above it
    "attachments",  # generic files on any object: targets registered by the apps above it
    "approvals",
    "campaigns",
    "materials",
    "budgets",
    "reports",
    "webhooks",  # top floor: carries events of campaigns, materials, budgets, approvals, reports
    "help",
    "changes",
    "search",  # top floor: reads every app through its own scope, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mrm.htmx.vary_on_htmx",
    "simple_history.middleware.HistoryRequestMiddleware",
    # turns a sign-in refused for its address (accounts.throttling) into the "paused" page.
    "accounts.middleware.SignInThrottleMiddleware",
    # axes goes last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mrm.urls"
WSGI_APPLICATION = "mrm.wsgi.application"
ASGI_APPLICATION = "mrm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "mrm.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
                "help.context_processors.page_help",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
# Embedded default: SQLite in the data directory. DATABASE_URL switches.
DATABASES = {"default": dj_database_url.parse(env.get_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'mrm.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each process keeps its connection for a while instead of opening one per
    # request, and checks it before reusing it: after a PostgreSQL restart the
    # next request reconnects instead of failing on a dead connection. While the
    # database is down, requests answer 503 (mrm/outage.py) and a connection
    # attempt gives up after DATABASE_CONNECT_TIMEOUT seconds, well before the
    # web server's worker timeout. docs/OPERATIONS.md, "When the database goes away".
    DATABASES["default"]["CONN_MAX_AGE"] = env.get_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.get_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # No JIT compilation for the app's queries: PostgreSQL's cost estimate for
    # report aggregates triggers it, and compiling took 2.0 s of the CMO
    # dashboard's 2.4 s for queries that run in milliseconds (issue 16).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.get_int("DATABASE_CONN_MAX_AGE", 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.get_bool("DATABASE_CONN_HEALTH_CHECKS", True)
# A read replica for reports and dashboards (mrm/replica.py; docs/DEPLOY.md). In
# tests the alias mirrors the primary, so the same rows are read through it.
if env.get_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **dj_database_url.parse(env.get_str("DATABASE_REPLICA_URL")),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["mrm.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, scheduler) share the file: wait for locks
    # instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A covering index's INCLUDE columns (budgets_expense_request_amount) serve
    # PostgreSQL; SQLite keeps the index on its key alone, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Before any password is checked: an address with too many recent failures is refused.
    "accounts.throttling.AddressThrottleBackend",
    # Passwords; with MRM_LOCAL_LOGIN=admins only administrators' (accounts/backends.py).
    "accounts.backends.LocalPasswordBackend",
    # Single sign-on (OpenID Connect); answers only the provider's callback, and only while it is on.
    "accounts.sso.SSOBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# The client's address (docs/DEPLOY.md): X-Forwarded-For is believed only from
# these proxies (addresses or CIDR networks). Empty: the connecting address is
# the client. Read by one function, mrm.client_ip.client_ip, for everything below.
TRUSTED_PROXIES = env.get_networks("TRUSTED_PROXIES")

# Login lockout (django-axes): a username is locked for a client address after
# repeated failures; the lockout page says so and when to try again. Behind a
# proxy the address is the real client's, so an attacker locks the user out for
# his own address only.
AXES_FAILURE_LIMIT = env.get_int("MRM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.get_int("MRM_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "mrm.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A single sign-on callback carries no password: axes neither counts nor refuses it (the provider
# guards its own sign-in), so failed SSO attempts never lock out a whole office behind one address.
AXES_WHITELIST_CALLABLE = "accounts.sso.is_sso_attempt"
# Per-address sign-in throttle (accounts.throttling): one address failing this
# many times within the window, whatever the usernames, is refused (429) for
# the rest of the window. It locks no user: the same people sign in from
# elsewhere. Counted in the shared cache (Redis in production).
MRM_LOGIN_ADDRESS_FAILURE_LIMIT = env.get_int("MRM_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
MRM_LOGIN_ADDRESS_WINDOW_MINUTES = env.get_int("MRM_LOGIN_ADDRESS_WINDOW_MINUTES", 15, minimum=1)

# Sign-in by password (accounts/backends.py): "all" (default) or "admins" — then only administrators
# (the admin role, superusers) sign in with a password, on the login page, the Django admin and
# POST /api/v1/auth/token/; everyone else signs in through single sign-on.
MRM_LOCAL_LOGIN = env.get_choice("MRM_LOCAL_LOGIN", "all", ("all", "admins"))

# --- single sign-on: OpenID Connect (mozilla-django-oidc; accounts/sso.py, docs/INTEGRATIONS.md) ---
# On when OIDC_RP_CLIENT_ID is set. The provider's endpoints come from its discovery document
# (OIDC_OP_DISCOVERY_URL, read on first use and kept for an hour) or are named one by one.
OIDC_RP_CLIENT_ID = env.get_str("OIDC_RP_CLIENT_ID", "") or ""
OIDC_RP_CLIENT_SECRET = env.get_str("OIDC_RP_CLIENT_SECRET", "") or ""
MRM_SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_OP_DISCOVERY_URL = env.get_str("OIDC_OP_DISCOVERY_URL", "") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env.get_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "") or ""
OIDC_OP_TOKEN_ENDPOINT = env.get_str("OIDC_OP_TOKEN_ENDPOINT", "") or ""
OIDC_OP_USER_ENDPOINT = env.get_str("OIDC_OP_USER_ENDPOINT", "") or ""
OIDC_OP_JWKS_ENDPOINT = env.get_str("OIDC_OP_JWKS_ENDPOINT", "") or ""
OIDC_RP_SIGN_ALGO = env.get_str("OIDC_RP_SIGN_ALGO", "RS256") or "RS256"
OIDC_RP_SCOPES = env.get_str("OIDC_RP_SCOPES", "openid email profile") or "openid email profile"
OIDC_USE_PKCE = env.get_bool("OIDC_USE_PKCE", True)
OIDC_VERIFY_SSL = env.get_bool("OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = env.get_int("OIDC_TIMEOUT", 10, minimum=1)  # seconds per call to the provider
OIDC_CREATE_USER = env.get_bool("OIDC_CREATE_USER", True)
# The claim listing the person's groups at the provider (Keycloak: a "groups" mapper; Entra ID: "groups").
OIDC_GROUPS_CLAIM = env.get_str("OIDC_GROUPS_CLAIM", "groups") or "groups"
# Provider groups -> MRM roles and teams ("group=role,group=role" or JSON), synced at every SSO sign-in.
OIDC_GROUP_ROLES = env.get_group_map("OIDC_GROUP_ROLES")
OIDC_GROUP_TEAMS = env.get_group_map("OIDC_GROUP_TEAMS")
# The provider's name on the login page's button ("Sign in with Keycloak"); empty: "single sign-on".
OIDC_PROVIDER_NAME = env.get_str("OIDC_PROVIDER_NAME", "") or ""
# mozilla-django-oidc's own wiring: MRM's callback, where a refused sign-in lands.
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"

# API tokens (accounts.tokens): each expires this many days after it was issued.
MRM_TOKEN_DAYS = env.get_int("MRM_TOKEN_DAYS", 90, minimum=1)

# --- internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "mrm_language"
TIME_ZONE = env.get_str("MRM_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Money: one base currency for the whole installation (PRODUCT.md §4).
MRM_CURRENCY = env.get_str("MRM_CURRENCY", "RUB")
# Spend control (PRODUCT.md §4): expenses (and commitments) on a funding request may
# exceed its approved amount by at most this many per cent (default 0).
MRM_SPEND_TOLERANCE_PERCENT = env.get_decimal("MRM_SPEND_TOLERANCE_PERCENT", "0")
# Bounds (mrm/bounds.py, docs/OPERATIONS.md "Limits"): every date people or programs enter
# lies in these years; JSON request bodies nest at most this deep.
MRM_DATE_MIN_YEAR = env.get_int("MRM_DATE_MIN_YEAR", 2000, minimum=1)
MRM_DATE_MAX_YEAR = env.get_int("MRM_DATE_MAX_YEAR", 2100, minimum=MRM_DATE_MIN_YEAR)
if MRM_DATE_MAX_YEAR > 9998:
    raise env.ImproperlyConfigured("MRM_DATE_MAX_YEAR must be at most 9998 (a day is added to the last date).")
MRM_JSON_MAX_DEPTH = env.get_int("MRM_JSON_MAX_DEPTH", 32, minimum=2)
# The marketing calendar shows at most this many events at once; past it, it asks the
# reader to narrow the filter (campaigns/selectors.py, docs/CAMPAIGNS.md).
MRM_CALENDAR_MAX_EVENTS = env.get_int("MRM_CALENDAR_MAX_EVENTS", 2000, minimum=1)
# Days before a task's due date its assignee is reminded (and again on the day); 0: only on the day.
MRM_TASK_REMINDER_DAYS = env.get_int("MRM_TASK_REMINDER_DAYS", 2, minimum=0)
# Largest attachment (PO, invoice) accepted on a commitment or an expense, in megabytes.
MRM_SPEND_ATTACHMENT_MAX_MB = env.get_int("MRM_SPEND_ATTACHMENT_MAX_MB", 10)
# Largest attachment (brief, quote, contract, invoice) on a campaign, activity, task, funding request,
# commitment or expense, in megabytes (attachments/, docs/CAMPAIGNS.md "Attachments").
MRM_ATTACHMENT_MAX_MB = env.get_int("MRM_ATTACHMENT_MAX_MB", 25, minimum=1)
# A virus scanner for attachments: the dotted path of a callable ``scan(file, *, name, content_type)``
# that returns None when the file is clean or a reason (a string) to refuse it; one that raises refuses
# the file as "could not be checked". Empty (the default): no scan.
MRM_ATTACHMENT_SCANNER = env.get_str("MRM_ATTACHMENT_SCANNER", "") or ""
# Largest material version (image, PDF, video, office document) accepted, in megabytes.
MRM_UPLOAD_MAX_MB = env.get_int("MRM_UPLOAD_MAX_MB", 50)
# The sweeper asks again for previews still being prepared this many minutes after the upload
# (their task was lost), and gives them up as "could not be prepared" after this many hours.
MRM_PREVIEW_STUCK_MINUTES = env.get_int("MRM_PREVIEW_STUCK_MINUTES", 30)
MRM_PREVIEW_GIVE_UP_HOURS = env.get_int("MRM_PREVIEW_GIVE_UP_HOURS", 24)

# --- static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.get_path("MRM_STATIC_ROOT", BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
WHITENOISE_USE_FINDERS = True  # serve static/ directly until collectstatic ran
MEDIA_URL = "/media/"
MEDIA_ROOT = env.get_path("MRM_MEDIA_ROOT", DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# With S3_BUCKET set, uploads and generated exports go to S3-compatible storage
# (AWS S3, MinIO, ...), so several web and worker machines share them; the
# files stay private (MRM serves them through its own permission checks).
# docs/DEPLOY.md, "Several machines".
S3_BUCKET = env.get_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        endpoint_url=env.get_str("S3_ENDPOINT_URL"),
        access_key=env.get_str("S3_ACCESS_KEY_ID"),
        secret_key=env.get_str("S3_SECRET_ACCESS_KEY"),
        region=env.get_str("S3_REGION"),
        prefix=env.get_str("S3_PREFIX", "media"),
    )

# --- backups (docs/OPERATIONS.md) -----------------------------------------------
# `make backup` writes each backup into a new timestamped folder here; with
# BACKUP_KEEP above 0 it then deletes all but that many of the newest backups.
MRM_BACKUP_DIR = env.get_path("BACKUP_DIR", DATA_DIR / "backups")
MRM_BACKUP_KEEP = env.get_int("BACKUP_KEEP", 0)

# --- e-mail -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.get_str("MRM_FROM_EMAIL", "MRM <mrm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.get_str("EMAIL_HOST", "")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Embedded default: each mail lands as a file in the data directory.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
# The site's address for work without a request: links in background e-mails
# (notifications, reminders, report subscriptions) and the UIDs of calendar-feed
# events. Links made while answering a request (feeds, the embed, pages) use the
# request's own address (mrm.links). Production warns while it is unset (mrm.checks).
MRM_BASE_URL = env.get_str("MRM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Set by the production settings: system checks then hold the deployment to more.
MRM_PRODUCTION = False

# --- approvals: reminder, escalation and stale-request delays (PRODUCT.md §5) ---
# Overdue stages remind their approvers once; this many days past due they
# escalate to the stage's escalation contact.
MRM_APPROVAL_ESCALATION_DAYS = env.get_int("MRM_APPROVAL_ESCALATION_DAYS", 2)
# Open requests idle this many days ask their submitter to confirm they are still needed...
MRM_APPROVAL_STALE_DAYS = env.get_int("MRM_APPROVAL_STALE_DAYS", 30)
# ...and are withdrawn when unconfirmed this many days after the question.
MRM_APPROVAL_WITHDRAW_DAYS = env.get_int("MRM_APPROVAL_WITHDRAW_DAYS", 14)

# --- reports (PRODUCT.md §6) ---------------------------------------------------
# Exports of more rows than this run in the background (a report run with progress).
MRM_REPORT_SYNC_MAX_ROWS = env.get_int("MRM_REPORT_SYNC_MAX_ROWS", 2000)
# A report's PDF holds at most this many rows (about 20 pages): WeasyPrint's time and memory grow
# with the pages (a 100-page table took minutes and 450 MB). The PDF says so and points to the
# XLSX/CSV, which hold every row (issue 16).
MRM_REPORT_PDF_MAX_ROWS = env.get_int("MRM_REPORT_PDF_MAX_ROWS", 500)
# Files of background exports are deleted this many days after they were made.
MRM_REPORT_FILE_DAYS = env.get_int("MRM_REPORT_FILE_DAYS", 7)
# The sweeper (docs/OPERATIONS.md): a run still running this many minutes after it started
# lost its worker (longer than the task's 15-minute hard limit) and is restarted, or failed
# after MRM_REPORT_RUN_MAX_ATTEMPTS starts; a run queued this long is queued again.
MRM_REPORT_RUN_STUCK_MINUTES = env.get_int("MRM_REPORT_RUN_STUCK_MINUTES", 20)
MRM_REPORT_RUN_QUEUED_MINUTES = env.get_int("MRM_REPORT_RUN_QUEUED_MINUTES", 30)
MRM_REPORT_RUN_MAX_ATTEMPTS = env.get_int("MRM_REPORT_RUN_MAX_ATTEMPTS", 3)
# ...and a run no worker started within this many hours of being asked for is failed.
MRM_REPORT_RUN_GIVE_UP_HOURS = env.get_int("MRM_REPORT_RUN_GIVE_UP_HOURS", 24)

# --- webhooks (issue 17.3, docs/WEBHOOKS.md) -------------------------------------
# Hosts (names or IP addresses, comma-separated) a webhook may reach although they are on a private,
# loopback or link-local address: receivers on the company network. Everything else internal is refused.
WEBHOOK_ALLOWED_HOSTS = env.get_list("WEBHOOK_ALLOWED_HOSTS", [])
# Seconds each connect/read of a delivery may take.
WEBHOOK_TIMEOUT_SECONDS = env.get_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# A webhook is switched off (its owner told) after this many messages in a row failed every retry.
WEBHOOK_DISABLE_AFTER = env.get_int("WEBHOOK_DISABLE_AFTER", 5, minimum=1)
# --- imports (docs/OPERATIONS.md "Import limits") -----------------------------------
# Each refused with a message saying which limit and by how much.
MRM_IMPORT_MAX_UPLOAD_MB = env.get_int("MRM_IMPORT_MAX_UPLOAD_MB", 20)
MRM_IMPORT_MAX_ROWS = env.get_int("MRM_IMPORT_MAX_ROWS", 200_000)
# An XLSX is a zip archive: its declared uncompressed size and compression ratio are
# checked from the archive's directory before anything is decompressed (zip bombs).
MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB = env.get_int("MRM_IMPORT_MAX_XLSX_UNCOMPRESSED_MB", 200)
MRM_IMPORT_MAX_XLSX_RATIO = env.get_int("MRM_IMPORT_MAX_XLSX_RATIO", 100)
# Reading and planning a file stops (the job fails with the reason) after this long;
# the task's hard time limit is a minute more.
MRM_IMPORT_MAX_PARSE_SECONDS = env.get_int("MRM_IMPORT_MAX_PARSE_SECONDS", 300)
# The sweeper: a job parsing or applying without progress this many minutes lost its worker
# (above the apply task's 60-minute hard limit: a big accounting import is matched line by line).
MRM_IMPORT_STUCK_MINUTES = env.get_int("MRM_IMPORT_STUCK_MINUTES", 70)
MRM_IMPORT_MAX_ATTEMPTS = env.get_int("MRM_IMPORT_MAX_ATTEMPTS", 3)
# Uploads parsed but never confirmed are deleted (file and plan) after this many days.
MRM_IMPORT_KEEP_UNCONFIRMED_DAYS = env.get_int("MRM_IMPORT_KEEP_UNCONFIRMED_DAYS", 7)

# --- help (PRODUCT.md §7) -----------------------------------------------------
# Questions no champion answered within this many hours escalate to the admins.
MRM_QUESTION_ESCALATE_HOURS = env.get_int("MRM_QUESTION_ESCALATE_HOURS", 24)

# --- change requests (PRODUCT.md §7): the same "still needed, why?" as approvals ---
# Open change requests idle this many days ask their requester to confirm they are still needed...
MRM_CHANGE_REQUEST_STALE_DAYS = env.get_int("MRM_CHANGE_REQUEST_STALE_DAYS", 30)
# ...and are withdrawn when unconfirmed this many days after the question.
MRM_CHANGE_REQUEST_WITHDRAW_DAYS = env.get_int("MRM_CHANGE_REQUEST_WITHDRAW_DAYS", 14)

# --- Celery -----------------------------------------------------------------
# With REDIS_URL set, tasks go to Redis and run on workers, schedules on beat.
# Without it (embedded default) tasks run in-process, and the scheduler
# started by `make start` runs the beat schedule in its own process.
REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://localhost/"  # a host named, so kombu does not warn
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Every task has a hard limit (this default, or its own); the longest is 30 minutes.
CELERY_TASK_TIME_LIMIT = 15 * 60
# Tasks are idempotent, so a message is acknowledged only once its task ended, and a
# worker killed mid-task (SIGKILL, out of memory) gives the message back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged message to another worker after this many seconds: it must
# be longer than the longest task (tests/mrm/test_workers.py holds every task to it), or a
# task still running would be started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.get_int("MRM_BROKER_VISIBILITY_TIMEOUT", 2 * 60 * 60),
    "socket_connect_timeout": 3,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The beat schedule lives in one place: mrm/schedule.py.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- outbox: side effects recorded with the write, dispatched by a relay --------
# (docs/OPERATIONS.md) A message the broker refused is retried after this many seconds,
# doubled at each attempt up to the maximum, for as long as the broker is down.
MRM_OUTBOX_RETRY_SECONDS = env.get_int("MRM_OUTBOX_RETRY_SECONDS", 10)
MRM_OUTBOX_RETRY_MAX_SECONDS = env.get_int("MRM_OUTBOX_RETRY_MAX_SECONDS", 300)
# In-process (embedded default) a task that fails this many times is given up (admin: retry).
MRM_OUTBOX_MAX_ATTEMPTS = env.get_int("MRM_OUTBOX_MAX_ATTEMPTS", 20)
# After the broker refused, web processes leave new messages to the relay for this long.
MRM_OUTBOX_PAUSE_SECONDS = env.get_int("MRM_OUTBOX_PAUSE_SECONDS", 10)
# Seconds between two rounds of `manage.py run_outbox_relay`.
MRM_OUTBOX_RELAY_INTERVAL = env.get_int("MRM_OUTBOX_RELAY_INTERVAL", 5)
# Dispatched messages are deleted after this many days (pending and failed ones stay).
MRM_OUTBOX_KEEP_DAYS = env.get_int("MRM_OUTBOX_KEEP_DAYS", 7)
# The health page shows a backlog when a message has waited longer than this.
MRM_OUTBOX_BACKLOG_MINUTES = env.get_int("MRM_OUTBOX_BACKLOG_MINUTES", 10)

# --- health (/health/, /health/ready/) ----------------------------------------
# The scheduler's heartbeat (every minute) is stale after this many minutes.
MRM_HEALTH_HEARTBEAT_MAX_MINUTES = env.get_int("MRM_HEALTH_HEARTBEAT_MAX_MINUTES", 5)
# How long the health page waits for a worker to answer its ping, in seconds.
MRM_HEALTH_WORKER_TIMEOUT = float(env.get_decimal("MRM_HEALTH_WORKER_TIMEOUT", "1"))

# --- caches -----------------------------------------------------------------
if REDIS_URL:
    # A Redis outage is a cache miss, never a 500 (mrm/cache.py); short timeouts keep pages fast meanwhile.
    CACHES = {
        "default": {
            "BACKEND": "mrm.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "DOWN_PAUSE": 5},
        }
    }
else:
    # A file cache, so the web process and the scheduler share it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call is then a 401 with
        # `WWW-Authenticate: Token`, not a 403.
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mrm.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        # filterset_fields on MRM's FilterSet; an unknown ?ordering= field is a 400 (mrm/filters.py)
        "mrm.filters.FilterBackend",
        "mrm.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "mrm.schema.AutoSchema",
    "EXCEPTION_HANDLER": "mrm.exceptions.api_exception_handler",
    # JSON bodies are objects of bounded depth without NUL characters (mrm/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "mrm.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # DRF's default get_ident would believe X-Forwarded-For from anyone; MRM's
    # throttles use mrm.client_ip (TRUSTED_PROXIES), and any other sees the
    # connecting address only.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MRM API",
    "DESCRIPTION": (
        "Marketing Resource Management: campaigns, funding requests, approvals and reports. "
        "Authenticate with a session (browser) or `Authorization: Token <token>` "
        "obtained from `POST /api/v1/auth/token/` (it expires; list and revoke yours at `/api/v1/auth/tokens/`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (no CDN, strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name ("status") get distinct, stable names.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalRequestStatusEnum": "approvals.choices.RequestStatus",
        "StageStateStatusEnum": "approvals.choices.StageStatus",
        "FundingRequestStatusEnum": "budgets.choices.FundingRequestStatus",
        "CampaignStatusEnum": "campaigns.choices.CampaignStatus",
        "MaterialStatusEnum": "materials.choices.ReviewStatus",
        "MaterialKindEnum": "materials.choices.MaterialKind",
        # a user's language, a help article's language and the language its reader asked for
        "LanguageEnum": LANGUAGES,
        "ApiTokenStatusEnum": "accounts.choices.TokenStatus",
        "ImportJobStatusEnum": "imports.choices.JobStatus",
        "ImportRowOutcomeEnum": "imports.choices.RowOutcome",
        "DecisionOutcomeEnum": "approvals.choices.Outcome",
    },
}

# --- forms ------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- guardian -----------------------------------------------------------------
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous sees nothing

# --- security headers (tightened further in production) ---------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy: scripts only from our own static files (no inline
# script anywhere), nothing loaded from other hosts, no framing by default.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Sites allowed to frame the pages declared embeddable with
# mrm.security.frame_ancestors_allow_list (the public calendar); every other
# page keeps frame-ancestors 'none'. Default: this site only.
MRM_EMBED_FRAME_ANCESTORS = env.get_csp_sources("MRM_EMBED_FRAME_ANCESTORS", ["'self'"])

# --- logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("MRM_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler would print every record a second time through the root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # PDF rendering logs each layout step at INFO (seed_demo, report exports).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
