"""Tokens of DRF's authtoken (raw keys, no expiry) become MRM API tokens (hashed, named, expiring).

Each existing key keeps working, now named "Token" and expiring
``MRM_TOKEN_DAYS`` from this migration; its raw key is then deleted from
``authtoken_token``. The app ``rest_framework.authtoken`` is no longer
installed, so its table is read by SQL, where it exists (a fresh database
never had it); the empty table is left in place.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.tokens import DEFAULT_NAME, key_digest

LEGACY_TABLE = "authtoken_token"


def _as_datetime(value, default: datetime) -> datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return default
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if LEGACY_TABLE not in connection.introspection.table_names(cursor):
            return
        cursor.execute(
            f"SELECT {', '.join(connection.ops.quote_name(c) for c in ('key', 'user_id', 'created'))} FROM {LEGACY_TABLE}"
        )
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    now = timezone.now()
    expires_at = now + timedelta(days=settings.MRM_TOKEN_DAYS)
    known_users = set(User.objects.filter(pk__in=[row[1] for row in rows]).values_list("pk", flat=True))
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=user_id,
                name=DEFAULT_NAME,
                prefix=key[:8],
                digest=key_digest(key),
                created_at=_as_datetime(created, now),
                expires_at=expires_at,
            )
            for key, user_id, created in rows
            if user_id in known_users
        ],
        ignore_conflicts=True,  # run twice: the same digest is not inserted again
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LEGACY_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_api_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
