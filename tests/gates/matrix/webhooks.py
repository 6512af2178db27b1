"""Permission matrix rows of webhooks (issue 17.3): admins and integration users only.

No role of the matrix but admin holds ``webhooks.add_webhook``, so every other
signed-in role gets a 403 on every route, before any object is looked up (an
integration user's own webhooks are covered in tests/webhooks/test_api.py,
including another team's integration user getting 404s). The row's object is
a webhook of the admin with one failed delivery in its log; writes that would
resolve a host name fail validation (400), which counts as past the gate.
"""

from tests.support.matrix import FORBIDDEN, OK, Resource, Route, expect
from webhooks.models import Webhook, WebhookDelivery, WebhookMessage
from webhooks.signing import new_secret

ADMINS = expect(FORBIDDEN, admin=OK)
NEW = {"name": "CRM", "url": "http://127.0.0.1:9/none", "events": ["campaign.created"]}


def webhook_of_admin(world):
    return Webhook.objects.create(
        owner=world.users["admin"],
        name="CRM",
        url="https://hooks.example.com/mrm",
        events=["campaign.created"],
        secret=new_secret(),
    )


def failed_delivery(world):
    webhook = webhook_of_admin(world)
    message = WebhookMessage.objects.create(
        webhook=webhook, event_type="campaign.created", object_id=1, body="{}", state="failed"
    )
    return WebhookDelivery.objects.create(message=message, webhook=webhook, attempt=1, url=webhook.url)


RESOURCES = [
    Resource(
        "webhooks",
        {
            "GET /api/v1/webhooks/": ADMINS,
            "POST /api/v1/webhooks/": Route(ADMINS, data=NEW),
            "GET /api/v1/webhooks/{id}/": ADMINS,
            "PUT /api/v1/webhooks/{id}/": Route(ADMINS, data=NEW),
            "PATCH /api/v1/webhooks/{id}/": Route(ADMINS, data={"is_active": False}),
            "DELETE /api/v1/webhooks/{id}/": ADMINS,
            "GET /api/v1/webhooks/{id}/deliveries/": ADMINS,
            "POST /api/v1/webhooks/{id}/rotate-secret/": ADMINS,
            "webhooks:list": ADMINS,
            "webhooks:create": ADMINS,
            "POST webhooks:create": Route(ADMINS, data=NEW),
            "webhooks:detail": ADMINS,
            "POST webhooks:edit": Route(ADMINS, data=NEW),
            "POST webhooks:toggle": ADMINS,
            "POST webhooks:rotate": ADMINS,
            "POST webhooks:delete": ADMINS,
        },
        obj=webhook_of_admin,
    ),
    Resource(
        "webhook deliveries",
        {
            "POST /api/v1/webhook-deliveries/{id}/redeliver/": ADMINS,
            "POST webhooks:redeliver": ADMINS,
        },
        obj=failed_delivery,
    ),
]
