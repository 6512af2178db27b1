"""The webhook API per role (PRODUCT.md §8): admins and integration users only, each their own, admins all."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.webhooks.conftest import make_webhook
from webhooks.choices import MessageState
from webhooks.models import Webhook, WebhookDelivery, WebhookMessage

pytestmark = pytest.mark.django_db

NEW = {"name": "CRM", "url": "https://hooks.example.com/mrm", "events": ["campaign.created", "expense.created"]}


def _log_row(webhook, *, state=MessageState.FAILED, succeeded=False):
    message = WebhookMessage.objects.create(
        webhook=webhook, event_type="campaign.created", object_id=1, body='{"type":"campaign.created"}', state=state
    )
    return WebhookDelivery.objects.create(
        message=message,
        webhook=webhook,
        attempt=1,
        url=webhook.url,
        request_body=message.body,
        request_headers={"webhook-id": message.key},
        response_status=500,
        succeeded=succeeded,
    )


def test_anonymous_is_refused(api_client):
    assert api_client.get("/api/v1/webhooks/").status_code == 401


@pytest.mark.parametrize("role", ["marketer", "approver", "finance_user", "leadership_user"])
def test_roles_without_the_permission_are_forbidden(api_as, request, role):
    user = request.getfixturevalue(role)
    client = api_as(user)
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert client.post("/api/v1/webhooks/", NEW, format="json").status_code == 403


def test_an_integration_user_creates_and_sees_the_secret_once(api_as, integration_user, public_dns):
    client = api_as(integration_user)
    # when creating
    response = client.post("/api/v1/webhooks/", NEW, format="json")
    # then the answer carries the secret, and no later read does
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["owner"] == integration_user.pk
    assert created["events"] == ["campaign.created", "expense.created"]
    detail = client.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert "secret" not in detail
    assert Webhook.objects.get().secret == created["secret"]


def test_internal_targets_are_refused_at_subscription(api_as, admin_user, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    response = api_as(admin_user).post("/api/v1/webhooks/", {**NEW, "url": "http://169.254.169.254/"}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()
    response = api_as(admin_user).post("/api/v1/webhooks/", {**NEW, "url": "ftp://x.example.com/"}, format="json")
    assert response.status_code == 400


def test_unknown_events_are_refused(api_as, admin_user, public_dns):
    response = api_as(admin_user).post("/api/v1/webhooks/", {**NEW, "events": ["campaign.deleted"]}, format="json")
    assert response.status_code == 400
    assert "events" in response.json()


def test_each_sees_their_own_and_admins_see_all(api_as, integration_user, other_team_integration, admin_user):
    # given one webhook each
    mine = make_webhook(integration_user, name="Mine")
    theirs = make_webhook(other_team_integration, name="Theirs")
    # then each integration user lists and reads only their own; the other's is a 404
    client = api_as(integration_user)
    assert [w["id"] for w in client.get("/api/v1/webhooks/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/webhooks/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/webhooks/{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.get(f"/api/v1/webhooks/{theirs.pk}/deliveries/").status_code == 404
    # and the admin sees both
    ids = {w["id"] for w in api_as(admin_user).get("/api/v1/webhooks/").json()["results"]}
    assert ids == {mine.pk, theirs.pk}


def test_update_disable_and_delete(api_as, integration_user, public_dns):
    webhook = make_webhook(integration_user)
    client = api_as(integration_user)
    response = client.patch(f"/api/v1/webhooks/{webhook.pk}/", {"is_active": False, "name": "Off"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["is_active"], response.json()["name"]) == (False, "Off")
    assert client.delete(f"/api/v1/webhooks/{webhook.pk}/").status_code == 204
    assert not Webhook.objects.exists()


def test_rotate_secret_shows_the_new_one_and_keeps_the_old_for_a_day(api_as, admin_user):
    webhook = make_webhook(admin_user)
    response = api_as(admin_user).post(f"/api/v1/webhooks/{webhook.pk}/rotate-secret/")
    assert response.status_code == 200
    body = response.json()
    assert body["secret"] != webhook.secret
    expires = dt.datetime.fromisoformat(body["previous_secret_expires_at"])
    assert dt.timedelta(hours=23) < expires - timezone.now() <= dt.timedelta(hours=24)


def test_deliveries_are_paginated_newest_first(api_as, admin_user):
    webhook = make_webhook(admin_user)
    rows = [_log_row(webhook) for _ in range(3)]
    response = api_as(admin_user).get(f"/api/v1/webhooks/{webhook.pk}/deliveries/", {"page_size": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert data["next"]
    assert [r["id"] for r in data["results"]] == [rows[2].pk, rows[1].pk]
    first = data["results"][0]
    assert first["message_id"].startswith("msg_")
    assert {
        "request_headers",
        "request_body",
        "response_status",
        "response_body",
        "duration_ms",
        "attempt",
        "error",
    } <= set(first)


def test_redeliver_queues_the_same_message(api_as, integration_user, other_team_integration, public_dns):
    webhook = make_webhook(integration_user)
    delivery = _log_row(webhook)
    # another integration user cannot see it
    assert (
        api_as(other_team_integration).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/").status_code == 404
    )
    # the owner redelivers it: 202 with the same webhook-id
    response = api_as(integration_user).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202, response.content
    assert response.json()["message_id"] == delivery.message.key
    delivery.message.refresh_from_db()
    assert (delivery.message.state, delivery.message.manual) == (MessageState.PENDING, True)
    # while it is pending, a second redelivery is a conflict
    assert api_as(integration_user).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/").status_code == 409


def test_a_user_whose_permission_was_taken_away_is_refused(api_as, integration_user):
    webhook = make_webhook(integration_user)
    integration_user.user_permissions.clear()
    from tests.factories import UserFactory  # noqa: F401 - keep the import local to the test

    user = type(integration_user).objects.get(pk=integration_user.pk)
    assert api_as(user).get(f"/api/v1/webhooks/{webhook.pk}/").status_code == 403
