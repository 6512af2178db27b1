"""Query budgets: webhook lists and the delivery log cost the same for 1 row and for many."""

import itertools

import pytest

from tests.factories import UserFactory
from tests.webhooks.conftest import make_webhook
from tests.webhooks.test_api import _log_row

pytestmark = pytest.mark.django_db


def test_the_webhook_list_endpoint_has_no_n_plus_1(assert_constant_queries, api_as, admin_user):
    client = api_as(admin_user)
    names = itertools.count()
    assert_constant_queries(
        lambda: client.get("/api/v1/webhooks/?page_size=100"),
        lambda: make_webhook(UserFactory(roles=["admin"]), name=f"Hook {next(names)}"),
    )


def test_the_webhook_list_page_has_no_n_plus_1(assert_constant_queries, client, admin_user):
    client.force_login(admin_user)
    assert_constant_queries(lambda: client.get("/webhooks/"), lambda: make_webhook(UserFactory(roles=["admin"])))


def test_the_delivery_log_endpoint_has_no_n_plus_1(assert_constant_queries, api_as, admin_user):
    webhook = make_webhook(admin_user)
    client = api_as(admin_user)
    assert_constant_queries(
        lambda: client.get(f"/api/v1/webhooks/{webhook.pk}/deliveries/?page_size=100"), lambda: _log_row(webhook)
    )


def test_the_delivery_log_page_has_no_n_plus_1(assert_constant_queries, client, admin_user):
    webhook = make_webhook(admin_user)
    client.force_login(admin_user)
    assert_constant_queries(lambda: client.get(f"/webhooks/{webhook.pk}/"), lambda: _log_row(webhook), rows=24)
