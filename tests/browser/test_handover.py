"""Journey of a handover (PRODUCT.md §7): a departing owner cannot be deactivated until their work moves on."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.help.factories import make_champion

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_hands_a_leavers_campaigns_over_then_deactivates_them(
    page, live_server, sign_in, admin_user, team, screenshot
):
    # given a marketer who owns two open campaigns and is Brand's only champion, and a colleague from
    # another team to take over
    leaver = UserFactory(username="leaver", display_name="Lev Leaving", roles=["marketer"], teams=[team])
    make_champion(leaver, team)
    successor = UserFactory(username="successor", display_name="Sasha Next", roles=["marketer"])
    CampaignFactory(team=team, owner=leaver, code="HAND-1", name="Spring fair", status=CampaignStatus.PLANNED)
    CampaignFactory(team=team, owner=leaver, code="HAND-2", name="Autumn webinar", status=CampaignStatus.ACTIVE)
    # when the admin opens the users list and the leaver's handover page
    sign_in(page, admin_user, next_path="/accounts/users/")
    row = page.get_by_test_id("user-row").filter(has_text="Lev Leaving")
    expect(row).to_contain_text("Campaigns owned: 2")
    row.get_by_role("link", name="Handover").click()
    # and tries to deactivate the leaver
    page.get_by_test_id("deactivate").click()
    # then it is refused, with the list of what the leaver still holds
    alert = page.get_by_role("alert").filter(has_text="still holds")
    expect(alert).to_contain_text("Campaigns owned: 2")
    expect(alert).to_contain_text("HAND-1")
    expect(alert).to_contain_text("Champion roles: 1 (Brand (the only champion))")
    assert User.objects.get(pk=leaver.pk).is_active
    # the screen says what handing the champion role over does
    roles = page.get_by_test_id("holding").filter(has_text="Champion roles")
    expect(roles).to_contain_text("Brand (the only champion)")
    expect(roles.get_by_test_id("holding-description")).to_contain_text(
        "Someone who is not a member of a team joins it"
    )
    # when the admin hands everything to the colleague
    page.get_by_label("New holder").select_option(label="Sasha Next (successor)")
    screenshot(page, "handover")
    page.get_by_test_id("apply-handover").click()
    # then both campaigns and the champion role moved (the colleague joined Brand), and the leaver holds nothing
    expect(page.get_by_text("3 items were handed over.")).to_be_visible()
    expect(page.get_by_test_id("holds-nothing")).to_be_visible()
    assert set(Campaign.objects.filter(owner__username="successor").values_list("code", flat=True)) == {
        "HAND-1",
        "HAND-2",
    }
    assert Membership.objects.get(user=successor, team=team).is_champion
    # and the deactivation now succeeds
    page.get_by_test_id("deactivate").click()
    expect(page.get_by_text("Lev Leaving was deactivated.")).to_be_visible()
    assert not User.objects.get(pk=leaver.pk).is_active
