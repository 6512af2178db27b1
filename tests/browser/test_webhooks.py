"""Journey: an admin subscribes a webhook, copies its secret once, and sees a delivery in the log (issue 17.3)."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from campaigns.services import campaign_create, channels_ensure_defaults

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_webhook_is_created_and_its_delivery_shown(
    page, live_server, sign_in, admin_user, marketer, team, receiver, settings, screenshot
):
    # given a receiver on the company network, listed by the administrator
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    channels_ensure_defaults()
    sign_in(page, admin_user, next_path="/webhooks/")
    # when the admin subscribes it to new campaigns
    page.get_by_test_id("new-webhook").click()
    page.get_by_label("Name").fill("CRM")
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Campaign created").check()
    page.get_by_role("button", name="Create webhook").click()
    # then the secret is shown this once
    secret = page.get_by_test_id("webhook-secret").input_value()
    assert secret.startswith("whsec_")
    page.get_by_test_id("webhook-continue").click()
    expect(page.get_by_test_id("deliveries")).to_contain_text("Nothing sent yet.")
    assert secret not in page.content()
    # when a marketer creates a campaign
    campaign_create(
        by=marketer,
        name="Autumn",
        team=team,
        owner=marketer,
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 9, 30),
    )
    # then the receiver got it, signed with that secret, and the log shows the delivery
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert ReferenceVerifier(secret).verify(got["body"], got["headers"])["data"]["name"] == "Autumn"
    page.reload()
    row = page.get_by_test_id("delivery-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("campaign.created")
    expect(row.get_by_test_id("delivery-status")).to_have_text("204")
    screenshot(page, "webhook-deliveries")
    # and redelivering sends the same message again
    row.get_by_test_id("redeliver").click()
    expect(page.get_by_text("Redelivery queued.")).to_be_visible()
    assert len(receiver.requests) == 2
    assert receiver.requests[1]["headers"]["webhook-id"] == got["headers"]["webhook-id"]
