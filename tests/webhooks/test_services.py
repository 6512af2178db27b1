"""Events become signed messages for the webhooks whose owners may read them; retries, disabling, SSRF."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from campaigns.choices import CampaignStatus
from campaigns.services import campaign_create, campaign_transition
from notifications.models import Notification
from outbox.models import Message
from tests.campaigns.factories import CampaignFactory
from tests.webhooks.conftest import make_webhook
from webhooks import services, targets
from webhooks.choices import MessageState
from webhooks.models import WebhookDelivery, WebhookMessage

pytestmark = pytest.mark.django_db


def _create_campaign(marketer, team, **extra):
    return campaign_create(
        by=marketer,
        name=extra.pop("name", "Spring launch"),
        team=team,
        owner=marketer,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 31),
        **extra,
    )


def test_a_created_campaign_becomes_a_message_with_the_api_fields(admin_user, marketer, team, public_dns):
    # given an admin's webhook subscribed to campaign.created
    webhook = make_webhook(admin_user)
    # when a marketer creates a campaign
    campaign = _create_campaign(marketer, team)
    # then one message carries it as the API shows it, and the outbox holds its delivery
    message = WebhookMessage.objects.get(webhook=webhook)
    body = json.loads(message.body)
    assert body["type"] == "campaign.created"
    assert body["timestamp"].endswith("Z")
    assert body["data"]["id"] == campaign.pk
    assert body["data"]["code"] == campaign.code
    assert {"owner", "team", "start_date", "end_date", "planned_cost", "status"} <= set(body["data"])
    assert message.key.startswith("msg_")
    assert Message.objects.filter(task=services.DELIVER_TASK, args=[message.pk]).exists()


def test_only_subscribed_active_webhooks_get_messages(admin_user, marketer, team):
    # given a webhook for another event and a disabled one
    make_webhook(admin_user, events=["expense.created"])
    make_webhook(admin_user, is_active=False)
    # when a campaign is created
    _create_campaign(marketer, team)
    # then nobody is told
    assert not WebhookMessage.objects.exists()


def test_a_confidential_campaign_never_reaches_another_teams_subscriber(
    team, marketer, other_team_integration, integration_user
):
    # given webhooks of team A's and team B's integration users
    team_b_hook = make_webhook(other_team_integration, events=["campaign.created", "campaign.status_changed"])
    team_a_hook = make_webhook(integration_user, events=["campaign.created"])
    # when team A creates a confidential campaign and an open one
    secret = _create_campaign(marketer, team, name="Secret merger", confidential=True)
    open_one = _create_campaign(marketer, team, name="Open fair")
    # then team B hears of the open one only; team A of both
    assert list(WebhookMessage.objects.filter(webhook=team_b_hook).values_list("object_id", flat=True)) == [open_one.pk]
    assert set(WebhookMessage.objects.filter(webhook=team_a_hook).values_list("object_id", flat=True)) == {
        secret.pk,
        open_one.pk,
    }
    assert "Secret merger" not in "".join(
        WebhookMessage.objects.filter(webhook=team_b_hook).values_list("body", flat=True)
    )


def test_a_status_change_is_sent_with_the_new_status(admin_user, marketer, team, sponsor_user=None):
    from tests.factories import UserFactory

    webhook = make_webhook(admin_user, events=["campaign.status_changed"])
    campaign = CampaignFactory(team=team, owner=marketer, sponsor=UserFactory(roles=["approver"]))
    # when the campaign is planned
    campaign_transition(campaign=campaign, to_status=CampaignStatus.PLANNED, by=marketer)
    # then the message says so
    body = json.loads(WebhookMessage.objects.get(webhook=webhook).body)
    assert (body["type"], body["data"]["status"]) == ("campaign.status_changed", "planned")


def _failing_post(calls):
    def post(target, *, body, headers):
        calls.append(headers)
        return targets.Response(status=500, body="boom", error="The receiver answered 500.", duration_ms=3)

    return post


def test_failures_are_retried_after_one_minute_then_backing_off_over_about_a_day(
    admin_user, marketer, team, public_dns, monkeypatch
):
    # given a message whose receiver always fails
    calls = []
    monkeypatch.setattr(targets, "post", _failing_post(calls))
    make_webhook(admin_user)
    _create_campaign(marketer, team)
    message = WebhookMessage.objects.get()
    now = timezone.now()
    waits = []
    # when every attempt is made as soon as it is due
    for _attempt in range(services.MAX_ATTEMPTS):
        assert services.message_deliver(message_id=message.pk, now=now) is not None
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
            assert services.message_deliver(message_id=message.pk, now=now) is None  # not due yet
            now = message.next_attempt_at
    # then the waits were 1 min, 5 min, 30 min, 2 h, 5 h, 10 h and the message failed for good
    assert [w.total_seconds() for w in waits] == [60, 300, 1800, 7200, 18000, 36000]
    assert sum(waits, dt.timedelta()) < dt.timedelta(days=1)
    assert message.state == MessageState.FAILED
    assert message.attempts == 7
    # every attempt kept the same webhook-id and body
    assert {h["webhook-id"] for h in calls} == {message.key}
    assert list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", flat=True)) == list(range(1, 8))


def _fail_completely(message_id, monkeypatch):
    monkeypatch.setattr(targets, "post", _failing_post([]))
    now = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        services.message_deliver(message_id=message_id, now=now)
        now += dt.timedelta(days=1)


def test_a_webhook_is_disabled_after_repeated_failure_and_its_owner_mailed(
    admin_user, marketer, team, public_dns, monkeypatch, settings
):
    # given a webhook that may fail two messages in a row
    settings.WEBHOOK_DISABLE_AFTER = 2
    webhook = make_webhook(admin_user)
    _create_campaign(marketer, team, name="One")
    _create_campaign(marketer, team, name="Two")
    first, second = WebhookMessage.objects.order_by("pk")
    # when the first fails every retry, it is still on
    _fail_completely(first.pk, monkeypatch)
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.consecutive_failures) == (True, 1)
    # when the second fails too
    _fail_completely(second.pk, monkeypatch)
    # then it is switched off and its owner told in the bell and by e-mail
    webhook.refresh_from_db()
    assert not webhook.is_active
    assert webhook.disabled_reason
    assert Notification.objects.filter(recipient=admin_user, message_key="webhooks.disabled").exists()
    assert any("CRM" in m.subject for m in mail.outbox) or Notification.objects.get(recipient=admin_user).title


def test_a_success_resets_the_failure_count(admin_user, marketer, team, public_dns, monkeypatch):
    webhook = make_webhook(admin_user)
    _create_campaign(marketer, team, name="One")
    _create_campaign(marketer, team, name="Two")
    first, second = WebhookMessage.objects.order_by("pk")
    _fail_completely(first.pk, monkeypatch)
    monkeypatch.setattr(targets, "post", lambda target, **kw: targets.Response(status=200))
    services.message_deliver(message_id=second.pk)
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0
    second.refresh_from_db()
    assert second.state == MessageState.DELIVERED


def test_a_name_that_now_resolves_inside_is_refused_at_delivery(admin_user, marketer, team, public_dns, monkeypatch):
    # given a webhook subscribed while its name resolved to a public address
    webhook = services.webhook_create(
        by=admin_user, name="CRM", url="https://hooks.example.com/in", events=["campaign.created"]
    )
    _create_campaign(marketer, team)
    sent = []
    monkeypatch.setattr(targets, "post", lambda target, **kw: sent.append(target) or targets.Response(status=200))
    # when the name resolves to 10.x at delivery
    public_dns["hooks.example.com"] = ["10.20.30.40"]
    delivery = services.message_deliver(message_id=WebhookMessage.objects.get(webhook=webhook).pk)
    # then nothing is sent and the log says why
    assert sent == []
    assert not delivery.succeeded
    assert "10.20.30.40" in delivery.error


def test_a_local_server_is_refused_unless_listed(admin_user, marketer, team, receiver, settings):
    # given a receiver on 127.0.0.1 that is not listed
    settings.WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(Exception, match="internal address"):
        services.webhook_create(by=admin_user, name="Local", url=receiver.url, events=["campaign.created"])
    # a webhook that got there anyway (made before the rule) is refused at delivery
    make_webhook(admin_user, url=receiver.url)
    _create_campaign(marketer, team)
    delivery = services.message_deliver(message_id=WebhookMessage.objects.get().pk)
    assert "internal address" in delivery.error
    assert receiver.requests == []
    # once listed, the same server receives it
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    message = WebhookMessage.objects.get()
    WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_deliver(message_id=message.pk).succeeded
    assert len(receiver.requests) == 1


def test_delivery_end_to_end_with_a_valid_signature(
    admin_user, marketer, team, receiver, settings, api_as, django_capture_on_commit_callbacks
):
    # given a webhook on a local receiver listed in WEBHOOK_ALLOWED_HOSTS
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhook = services.webhook_create(by=admin_user, name="Local", url=receiver.url, events=["campaign.created"])
    # when a marketer creates a campaign through the API (outbox → task → POST)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(marketer).post(
            "/api/v1/campaigns/",
            {
                "name": "Autumn",
                "team": team.pk,
                "owner": marketer.pk,
                "start_date": "2026-09-01",
                "end_date": "2026-09-30",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    # then the receiver got one POST, verified by the reference library with the webhook's secret
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    payload = ReferenceVerifier(webhook.secret).verify(got["body"], got["headers"])
    assert payload["type"] == "campaign.created"
    assert payload["data"]["id"] == response.json()["id"]
    assert payload["data"]["name"] == "Autumn"
    assert got["headers"]["content-type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.response_status, delivery.succeeded, delivery.attempt) == (204, True, 1)
    assert delivery.request_headers["webhook-id"] == got["headers"]["webhook-id"]


def test_redelivery_keeps_the_webhook_id_and_does_not_count_as_failure(
    admin_user, marketer, team, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhook = make_webhook(admin_user, url=receiver.url)
    _create_campaign(marketer, team)
    message = WebhookMessage.objects.get()
    services.message_deliver(message_id=message.pk)
    # when the admin redelivers it
    with django_capture_on_commit_callbacks(execute=True):
        services.message_redeliver(message=message, by=admin_user)
    # then the receiver saw the same id and body twice
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["webhook-id"] == receiver.requests[1]["headers"]["webhook-id"] == message.key
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert list(WebhookDelivery.objects.order_by("pk").values_list("manual", flat=True)) == [False, True]
    # a failing redelivery leaves the message failed but does not count against the webhook
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        services.message_redeliver(message=message, by=admin_user)
    message.refresh_from_db()
    webhook.refresh_from_db()
    assert (message.state, webhook.consecutive_failures) == (MessageState.FAILED, 0)


def test_redirects_are_not_followed(admin_user, marketer, team, receiver, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver.status = 302
    make_webhook(admin_user, url=receiver.url)
    _create_campaign(marketer, team)
    delivery = services.message_deliver(message_id=WebhookMessage.objects.get().pk)
    assert (delivery.response_status, delivery.succeeded) == (302, False)
    assert "Redirect" in delivery.error


def test_rotation_signs_with_both_secrets_for_a_day(admin_user, marketer, team, receiver, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhook = make_webhook(admin_user, url=receiver.url)
    old = webhook.secret
    webhook = services.webhook_rotate_secret(webhook=webhook, by=admin_user)
    assert webhook.secret != old
    _create_campaign(marketer, team)
    services.message_deliver(message_id=WebhookMessage.objects.get().pk)
    got = receiver.requests[0]
    assert ReferenceVerifier(old).verify(got["body"], got["headers"])
    assert ReferenceVerifier(webhook.secret).verify(got["body"], got["headers"])
    # a day later only the new secret signs
    assert webhook.signing_secrets(timezone.now() + dt.timedelta(hours=25)) == [webhook.secret]


def test_an_owner_who_lost_sight_of_the_object_gets_nothing(integration_user, marketer, team, public_dns, monkeypatch):
    # given a message queued for a team member's webhook
    make_webhook(integration_user)
    campaign = _create_campaign(marketer, team, confidential=True)
    message = WebhookMessage.objects.get()
    # when the owner leaves the team before delivery
    integration_user.teams.clear()
    sent = []
    monkeypatch.setattr(targets, "post", lambda target, **kw: sent.append(1) or targets.Response(status=200))
    delivery = services.message_deliver(message_id=message.pk)
    # then nothing is sent and the message failed for good
    assert sent == []
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert delivery.error
    assert campaign.pk


def test_the_retry_job_hands_due_messages_to_the_outbox(admin_user, marketer, team, public_dns, monkeypatch):
    make_webhook(admin_user)
    _create_campaign(marketer, team)
    message = WebhookMessage.objects.get()
    monkeypatch.setattr(targets, "post", _failing_post([]))
    services.message_deliver(message_id=message.pk)
    assert services.retry_due() == 0  # not due for a minute
    assert services.retry_due(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    assert Message.objects.filter(dedupe_key=f"webhooks.deliver:{message.pk}").count() == 1


def test_a_write_without_subscribers_costs_no_query(marketer, team, django_assert_num_queries):
    # given no webhook at all (the subscribed events are cached after the first look)
    services.subscribed_events()
    from outbox.events import publish

    campaign = CampaignFactory(team=team, owner=marketer)
    # then publishing an event asks the database nothing
    with django_assert_num_queries(0):
        publish("campaign.created", campaign)
