"""The Django admin: search and filters, the SSRF check on the URL, a secret made for a webhook added there."""

import pytest

from tests.webhooks.conftest import make_webhook
from tests.webhooks.test_api import _log_row
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db


def test_admin_lists_search_and_filter(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    webhook = make_webhook(admin_user, name="CRM sync")
    _log_row(webhook)
    client.force_login(admin_user)
    for path in (
        "/admin/webhooks/webhook/?q=CRM&is_active__exact=1",
        "/admin/webhooks/webhookmessage/?state__exact=failed",
        "/admin/webhooks/webhookdelivery/?succeeded__exact=0&q=CRM",
        f"/admin/webhooks/webhook/{webhook.pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "CRM sync" in client.get("/admin/webhooks/webhook/?q=CRM").content.decode()
    assert webhook.secret not in client.get(f"/admin/webhooks/webhook/{webhook.pk}/change/").content.decode()


def test_admin_refuses_an_internal_url_and_makes_a_secret(client, admin_user, settings, public_dns):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    data = {
        "owner": admin_user.pk,
        "name": "x",
        "url": "http://10.0.0.1/",
        "events": '["campaign.created"]',
        "is_active": "on",
    }
    response = client.post("/admin/webhooks/webhook/add/", data)
    assert response.status_code == 200
    assert not Webhook.objects.exists()
    response = client.post("/admin/webhooks/webhook/add/", {**data, "url": "https://hooks.example.com/"})
    assert response.status_code == 302
    assert Webhook.objects.get().secret.startswith("whsec_")
