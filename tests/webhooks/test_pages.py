"""The webhooks pages: create with the secret shown once, the log, redeliver, toggle, rotate."""

import pytest

from tests.webhooks.conftest import make_webhook
from tests.webhooks.test_api import _log_row
from webhooks.choices import MessageState
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db


def test_a_marketer_without_the_permission_is_refused(client, marketer):
    client.force_login(marketer)
    assert client.get("/webhooks/").status_code == 403


def test_creating_shows_the_secret_once(client, integration_user, public_dns):
    client.force_login(integration_user)
    response = client.post(
        "/webhooks/new/",
        {"name": "CRM", "url": "https://hooks.example.com/in", "events": ["campaign.created", "expense.created"]},
    )
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert webhook.secret in response.content.decode()
    assert webhook.events == ["campaign.created", "expense.created"]
    detail = client.get(f"/webhooks/{webhook.pk}/").content.decode()
    assert webhook.secret not in detail
    assert "CRM" in client.get("/webhooks/").content.decode()


def test_an_internal_url_is_refused_on_the_form(client, admin_user, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    client.force_login(admin_user)
    response = client.post("/webhooks/new/", {"name": "x", "url": "http://10.0.0.1/", "events": ["campaign.created"]})
    assert response.status_code == 400
    assert "WEBHOOK_ALLOWED_HOSTS" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_log_shows_attempts_and_redeliver_answers_htmx(client, admin_user):
    webhook = make_webhook(admin_user)
    delivery = _log_row(webhook)
    client.force_login(admin_user)
    page = client.get(f"/webhooks/{webhook.pk}/").content.decode()
    assert delivery.message.key in page
    assert 'data-testid="redeliver"' in page
    response = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    delivery.message.refresh_from_db()
    assert delivery.message.state == MessageState.PENDING


def test_another_users_webhook_is_a_404(client, integration_user, other_team_integration):
    webhook = make_webhook(other_team_integration)
    client.force_login(integration_user)
    assert client.get(f"/webhooks/{webhook.pk}/").status_code == 404
    assert client.post(f"/webhooks/{webhook.pk}/rotate/").status_code == 404


def test_toggle_and_rotate(client, admin_user):
    webhook = make_webhook(admin_user)
    old = webhook.secret
    client.force_login(admin_user)
    client.post(f"/webhooks/{webhook.pk}/toggle/")
    webhook.refresh_from_db()
    assert not webhook.is_active
    response = client.post(f"/webhooks/{webhook.pk}/rotate/")
    webhook.refresh_from_db()
    assert webhook.secret != old
    assert webhook.secret in response.content.decode()
    assert webhook.previous_secret == old
