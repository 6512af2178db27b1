"""Lists cost the same number of queries for 1 row and for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.webhooks.conftest import make_webhook
from tests.webhooks.test_api import _log_row

pytestmark = pytest.mark.django_db


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_webhook_list_queries_do_not_grow(api_as, admin_user):
    client = api_as(admin_user)
    make_webhook(admin_user)
    _count(client, "/api/v1/webhooks/")  # warm: the user's roles are read once
    one = _count(client, "/api/v1/webhooks/")
    for n in range(8):
        make_webhook(UserFactory(roles=["admin"]), name=f"Hook {n}")
    assert _count(client, "/api/v1/webhooks/") == one


def test_delivery_log_queries_do_not_grow(api_as, admin_user, client):
    webhook = make_webhook(admin_user)
    _log_row(webhook)
    api = api_as(admin_user)
    _count(api, f"/api/v1/webhooks/{webhook.pk}/deliveries/")  # warm: the user's roles are read once
    one = _count(api, f"/api/v1/webhooks/{webhook.pk}/deliveries/")
    client.force_login(admin_user)
    _count(client, f"/webhooks/{webhook.pk}/")
    page_one = _count(client, f"/webhooks/{webhook.pk}/")
    for _ in range(10):
        _log_row(webhook)
    assert _count(api, f"/api/v1/webhooks/{webhook.pk}/deliveries/") == one
    assert _count(client, f"/webhooks/{webhook.pk}/") == page_one
