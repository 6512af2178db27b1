"""Last-activity tracking for the adoption dashboard (PRODUCT.md §7): one cheap write per user per hour."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.middleware import record_last_seen
from accounts.models import User
from accounts.tokens import token_issue

pytestmark = pytest.mark.django_db


def _last_seen_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("UPDATE") and "last_seen_at" in q["sql"])


def test_two_requests_within_the_hour_write_once(client, marketer):
    # given a signed-in marketer never seen before
    client.force_login(marketer)
    # when they open two pages
    with CaptureQueriesContext(connection) as first:
        client.get("/accounts/profile/")
    with CaptureQueriesContext(connection) as second:
        client.get("/accounts/profile/")
    # then only the first request wrote the time
    assert _last_seen_writes(first.captured_queries) == 1
    assert _last_seen_writes(second.captured_queries) == 0
    marketer.refresh_from_db()
    assert marketer.last_seen_at is not None
    assert timezone.now() - marketer.last_seen_at < timedelta(minutes=1)


def test_a_request_after_an_hour_writes_again(client, marketer):
    # given a marketer last seen 61 minutes ago
    an_hour_ago = timezone.now() - timedelta(minutes=61)
    User.objects.filter(pk=marketer.pk).update(last_seen_at=an_hour_ago)
    client.force_login(marketer)
    # when they open a page
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/profile/")
    # then the time moves on
    assert _last_seen_writes(queries.captured_queries) == 1
    marketer.refresh_from_db()
    assert marketer.last_seen_at > an_hour_ago + timedelta(minutes=60)


def test_within_the_hour_nothing_is_written(client, marketer):
    # given a marketer seen 59 minutes ago
    recently = timezone.now() - timedelta(minutes=59)
    User.objects.filter(pk=marketer.pk).update(last_seen_at=recently)
    client.force_login(marketer)
    # when they open a page
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/profile/")
    # then nothing is written and the time stays
    assert _last_seen_writes(queries.captured_queries) == 0
    marketer.refresh_from_db()
    assert marketer.last_seen_at == recently


def test_api_token_requests_count_as_activity(marketer):
    # given an integration with the marketer's token
    key = token_issue(user=marketer, name="integration").key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # when it calls the API twice
    with CaptureQueriesContext(connection) as first:
        assert api.get("/api/v1/users/me/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert api.get("/api/v1/users/me/").status_code == 200
    # then the marketer was seen, written once
    assert _last_seen_writes(first.captured_queries) == 1
    assert _last_seen_writes(second.captured_queries) == 0
    marketer.refresh_from_db()
    assert marketer.last_seen_at is not None


def test_anonymous_requests_write_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/login/")
    assert _last_seen_writes(queries.captured_queries) == 0


def test_record_last_seen_compares_the_remembered_value(marketer):
    # given a user object that remembers a time 30 minutes old
    now = timezone.now()
    marketer.last_seen_at = now - timedelta(minutes=30)
    # then recording now writes nothing; an hour later it writes
    assert record_last_seen(marketer, now=now) is False
    assert record_last_seen(marketer, now=now + timedelta(minutes=31)) is True
    assert marketer.last_seen_at == now + timedelta(minutes=31)
