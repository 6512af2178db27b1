"""Tokens of DRF's authtoken become MRM API tokens: the same keys keep working, now named and expiring."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import key_digest

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0006_authtoken_keys_to_api_tokens")
LEGACY_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


def run_migration():
    migration.forwards(django_apps, SimpleNamespace(connection=connection))


def create_legacy_table():
    """The table rest_framework.authtoken created, as an installation upgraded from it still has."""
    created_type = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE authtoken_token ("key" varchar(40) NOT NULL PRIMARY KEY, '
            f'"created" {created_type} NOT NULL, "user_id" bigint NOT NULL)'
        )


def legacy_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        return cursor.fetchone()[0]


def test_an_old_token_keeps_working_named_and_expiring(marketer, settings):
    # given an integration holding the marketer's authtoken key from before
    create_legacy_table()
    issued_long_ago = timezone.now() - dt.timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO authtoken_token ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [LEGACY_KEY, issued_long_ago, marketer.pk],
        )
    # when the data migration runs
    run_migration()
    # then the key is an MRM token named "Token", expiring MRM_TOKEN_DAYS from now, stored only as its hash
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (marketer, "Token", LEGACY_KEY[:8])
    assert token.digest == key_digest(LEGACY_KEY)
    assert abs(token.created_at - issued_long_ago) < dt.timedelta(seconds=1)
    expected_expiry = timezone.now() + dt.timedelta(days=settings.MRM_TOKEN_DAYS)
    assert abs(token.expires_at - expected_expiry) < dt.timedelta(minutes=1)
    # the raw key is gone from the old table, and the integration still works with it
    assert legacy_rows() == 0
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {LEGACY_KEY}")
    assert api.get("/api/v1/users/me/").json()["username"] == "marketer"
    # running again changes nothing
    run_migration()
    assert ApiToken.objects.count() == 1


def test_a_fresh_database_has_nothing_to_migrate():
    assert "authtoken_token" not in connection.introspection.table_names()
    run_migration()
    assert not ApiToken.objects.exists()
