"""Journey (issue 18.4): "/" on any page focuses the search box; a word finds grouped results; one opens.

Typing "/" inside a field types it; the confidential campaign of another team
that matches never shows.
"""

import pytest
from playwright.sync_api import expect

from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_slash_focuses_search_and_a_word_finds_grouped_results_that_open(
    page, live_server, sign_in, screenshot, marketer, approver, team, other_team
):
    # given a campaign of the marketer's team with an activity and a task named alike
    campaign = CampaignFactory(code="BR-515", name="Aurora webinar", team=team, owner=marketer, sponsor=approver)
    ActivityFactory(campaign=campaign, name="Aurora webinar rehearsal")
    TaskFactory(campaign=campaign, title="Send the aurora invitations")
    # and another team's confidential campaign with the same word
    CampaignFactory(name="Aurora secret", team=other_team, confidential=True)

    sign_in(page, marketer, next_path="/campaigns/")
    # when "/" is pressed on a page (outside any field)
    page.locator("body").press("/")
    box = page.get_by_test_id("top-search")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the slash focused the box, it was not typed into it
    box.fill("aurora")
    screenshot(page, "search-top-bar")
    box.press("Enter")

    # then the results are grouped by type, the confidential campaign nowhere
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
    expect(page.get_by_role("heading", name="Activities")).to_be_visible()
    expect(page.get_by_role("heading", name="Tasks")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Aurora secret")
    screenshot(page, "search-results")

    # "/" typed inside a field stays in the field
    query = page.get_by_label("Search for")
    query.fill("")
    query.press("/")
    expect(query).to_have_value("/")
    expect(query).to_be_focused()

    # and a hit opens its page
    page.get_by_test_id("search-group").filter(has_text="Campaigns").get_by_role(
        "link", name="BR-515 · Aurora webinar"
    ).click()
    expect(page).to_have_url(f"{live_server.url}{campaign.get_absolute_url()}")


def test_the_slash_key_of_a_russian_keyboard_focuses_search_too(page, live_server, sign_in, marketer):
    # a Russian layout types "." on the key that is "/" in English: the key's place (code "Slash") counts
    sign_in(page, marketer, next_path="/campaigns/")
    page.evaluate(
        """() => document.body.dispatchEvent(new KeyboardEvent("keydown",
            {key: ".", code: "Slash", bubbles: true, cancelable: true}))"""
    )
    expect(page.get_by_test_id("top-search")).to_be_focused()
