"""Journey (issue 18 item 5): a marketer asks a colleague about a task on the campaign page; the colleague sees it."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def test_comment_on_a_task_with_a_mention_without_reloading(page, live_server, sign_in, marketer, team, screenshot):
    olga = UserFactory(username="olga", display_name="Olga Designer", roles=["marketer"], teams=[team])
    campaign = CampaignFactory(code="DISC-1", name="Spring launch", team=team, owner=marketer)
    TaskFactory(campaign=campaign, title="Key visual")
    sign_in(page, marketer, next_path=campaign.get_absolute_url())
    discussion = page.locator("#discussion")
    discussion.get_by_label("Your comment").fill("@olga can the key visual be ready by Friday?")
    discussion.get_by_label("About").select_option(label="Key visual")
    discussion.get_by_role("button", name="Post the comment").click()
    comment = page.locator("#discussion").get_by_test_id("comment")
    expect(comment).to_contain_text("about Key visual")
    expect(comment.locator("strong", has_text="@olga")).to_be_visible()
    expect(page.locator("#discussion").get_by_label("Your comment")).to_have_value("")
    assert Notification.objects.filter(recipient=olga).count() == 1
    # a mention of someone unknown is refused in place, the text kept
    page.locator("#discussion").get_by_label("Your comment").fill("@nobody see this")
    page.locator("#discussion").get_by_role("button", name="Post the comment").click()
    expect(page.locator("#discussion").get_by_role("alert")).to_contain_text("No active user is called @nobody")
    expect(page.locator("#discussion").get_by_label("Your comment")).to_have_value("@nobody see this")
    screenshot(page, "campaign_discussion")
