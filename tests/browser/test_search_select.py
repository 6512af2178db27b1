"""Searchable single selects (issue 19.3, docs/DESIGN.md "Searchable select").

A person or a team picked among many — the campaign list's Owner filter, the
campaign form's owner and sponsor, a task's assignee — is a combobox one types
into: the list narrows, Enter or a click picks, the empty choice ("Anyone",
"---------") stays a choice. Axe clean, moderate included, with the list open.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Task
from tests.browser.test_accessibility import sign_in_by_cookie
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.support.axe import EVERY_IMPACT, audit
from tests.support.filters import choose, search_box
from tests.support.layout import overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


@pytest.fixture
def colleagues(team):
    """A department's worth of people, among them the one to find."""
    people = [UserFactory(display_name=f"Person {n:02d}", roles=["marketer"], teams=[team]) for n in range(30)]
    anna = UserFactory(username="anna", display_name="Anna Karenina", roles=["marketer"], teams=[team])
    return people + [anna]


def wrapper_items(box):
    return box.locator("xpath=ancestor::div[contains(@class,'ts-wrapper')][1]").locator(".item")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_owner_filter_is_found_by_typing_picked_with_the_keyboard_and_cleared_with_anyone(
    page, live_server, marketer, team, colleagues, width, screenshot
):
    anna = colleagues[-1]
    CampaignFactory(name="Anna's fair", team=team, owner=anna)
    CampaignFactory(name="Own fair", team=team, owner=marketer)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:list')}")
    results = page.locator("#campaign-results")
    box = search_box(page, "Owner")
    expect(wrapper_items(box)).to_have_text("Anyone")
    # when the marketer tabs into the Owner filter and types part of a name
    box.focus()
    box.press_sequentially("karen")
    listbox = page.get_by_role("listbox", name="Owner", exact=True)
    # then the list narrows to the match, and the open list is accessible and fits the screen
    expect(listbox.get_by_role("option")).to_have_text(["Anna Karenina"])
    if width == 1280:
        screenshot(page, "search-select-owner", full_page=False)
    assert audit(page, EVERY_IMPACT) == []
    assert overflow(page, width) == []
    # when Enter picks it
    box.press("Enter")
    # then the list shows her campaigns only, and the address says so
    expect(results.get_by_text("Own fair")).to_have_count(0)
    expect(results.get_by_text("Anna's fair")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"owner={anna.pk}\b"))
    expect(wrapper_items(box)).to_have_text("Anna Karenina")
    # when the page is reloaded, the filter is still hers
    page.reload()
    expect(wrapper_items(search_box(page, "Owner"))).to_have_text("Anna Karenina")
    # when the marketer picks "Anyone" again, by keyboard
    box = search_box(page, "Owner")
    box.focus()
    box.press_sequentially("anyo")
    expect(listbox.get_by_role("option")).to_have_text(["Anyone"])
    box.press("Enter")
    # then every campaign is back
    expect(results.get_by_text("Own fair")).to_be_visible()
    expect(wrapper_items(box)).to_have_text("Anyone")
    assert audit(page, EVERY_IMPACT) == []


def test_owner_and_sponsor_of_the_campaign_form_are_searchable_and_the_sponsor_can_be_emptied(
    page, live_server, marketer, team, colleagues
):
    anna = colleagues[-1]
    campaign = CampaignFactory(name="Winter fair", team=team, owner=marketer)
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:edit', args=[campaign.pk])}")
    # when the marketer types in the Sponsor box, the list narrows to the match
    box = search_box(page, "Sponsor")
    box.click()
    box.press_sequentially("nna k")
    listbox = page.get_by_role("listbox", name="Sponsor", exact=True)
    expect(listbox.get_by_role("option")).to_have_text(["Anna Karenina"])
    assert audit(page, EVERY_IMPACT) == []
    box.press("Escape")
    choose(page, "Sponsor", "Anna Karenina")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Winter fair"))).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.sponsor == anna
    # when the marketer comes back and picks the empty choice, the sponsor is cleared
    page.goto(f"{live_server.url}{reverse('campaigns:edit', args=[campaign.pk])}")
    expect(wrapper_items(search_box(page, "Sponsor"))).to_have_text("Anna Karenina")
    choose(page, "Sponsor", "---------", typed=0)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Winter fair"))).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.sponsor is None
    assert Campaign.objects.get(pk=campaign.pk).owner == marketer  # the owner box kept its value


def test_a_task_is_assigned_by_typing_a_name(page, live_server, marketer, team, colleagues):
    anna = colleagues[-1]
    campaign = CampaignFactory(name="Spring fair", team=team, owner=marketer)
    sign_in_by_cookie(page, live_server, marketer)
    page.goto(f"{live_server.url}{reverse('campaigns:task_create', args=[campaign.pk])}")
    page.get_by_label(re.compile(r"^\s*Title")).fill("Book the hall")
    choose(page, "Assignee", "Anna Karenina", typed=4)
    assert audit(page, EVERY_IMPACT) == []
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/"))
    assert Task.objects.get(campaign=campaign, title="Book the hall").assignee == anna
