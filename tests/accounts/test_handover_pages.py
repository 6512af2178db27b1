"""The users list and the handover page (PRODUCT.md §7), and the orphans report they lead to."""
# ruff: noqa: F811 - fixtures imported from tests.accounts.test_handover are redefined as parameters

import pytest
from django.urls import reverse

from accounts.models import User
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from reports.registry import get_report, reports_for
from tests.accounts.test_handover import colleague, holdings_of_leaver, leaver, successor  # noqa: F401
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["marketer", "approver", "finance_user"])
def test_only_admins_open_the_pages(request, client, leaver, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("accounts:users")).status_code == 403
    assert client.get(reverse("accounts:user_handover", args=[leaver.pk])).status_code == 403
    assert client.post(reverse("accounts:user_deactivate", args=[leaver.pk])).status_code == 403


def test_users_list_shows_what_each_holds_and_filters_by_status(holdings_of_leaver, leaver, admin_user, client):
    gone = UserFactory(username="gone", display_name="Gone Person", is_active=False)
    client.force_login(admin_user)
    text = client.get(reverse("accounts:users")).content.decode()
    assert "Lev Leaving" in text
    assert "Campaigns owned: 1" in text
    assert "Gone Person" not in text
    inactive = client.get(reverse("accounts:users"), {"status": "inactive"}).content.decode()
    assert "Gone Person" in inactive and "Lev Leaving" not in inactive
    assert gone.username in client.get(reverse("accounts:users"), {"status": "all", "q": "gone"}).content.decode()
    assert reverse("accounts:user_handover", args=[leaver.pk]) in text


def test_users_list_has_no_n_plus_1(assert_constant_queries, client, admin_user, team):
    client.force_login(admin_user)

    def holder():
        user = UserFactory(roles=["marketer"], teams=[team])
        CampaignFactory(team=team, owner=user, sponsor=admin_user)

    assert_constant_queries(lambda: client.get(reverse("accounts:users")), holder, rows=20)


def test_deactivate_on_the_page_is_refused_with_the_list(holdings_of_leaver, leaver, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_deactivate", args=[leaver.pk]), follow=True)
    text = response.content.decode()
    assert "Lev Leaving still holds" in text and "OWN-1" in text
    assert User.objects.get(pk=leaver.pk).is_active


def test_handover_page_lists_by_kind_and_applies_in_one_step(holdings_of_leaver, leaver, successor, admin_user, client):
    client.force_login(admin_user)
    url = reverse("accounts:user_handover", args=[leaver.pk])
    page = client.get(url).content.decode()
    for label in ("Campaigns owned", "Open approval stages", "Open funding requests", "Report subscriptions"):
        assert label in page
    response = client.post(url, {"to_user": successor.pk, "deactivate": "on"}, follow=True)
    text = response.content.decode()
    assert "10 items were handed over." in text
    assert "Lev Leaving was deactivated." in text
    assert "holds nothing" in text
    assert Campaign.objects.get(code="OWN-1").owner == successor
    assert not User.objects.get(pk=leaver.pk).is_active


def test_handover_page_shows_a_refused_move(holdings_of_leaver, leaver, colleague, admin_user, client):
    client.force_login(admin_user)
    url = reverse("accounts:user_handover", args=[leaver.pk])
    response = client.post(url, {"to_user": colleague.pk})
    assert response.status_code == 200
    assert "segregation of duties" in response.content.decode()
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_handover_page_needs_a_holder(holdings_of_leaver, leaver, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:user_handover", args=[leaver.pk]), {})
    assert response.status_code == 200
    assert "Choose who takes over" in response.content.decode()


# --- the orphans report -------------------------------------------------------------------------------


@pytest.fixture
def orphans(holdings_of_leaver, leaver):
    """The leaver deactivated around MRM (a directory sync): everything they held is orphaned."""
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    return holdings_of_leaver


def test_orphans_report_lists_what_has_no_active_holder(orphans, admin_user):
    result = get_report("orphans").run(admin_user, {})
    found = {(row["kind"], row["role"]) for row in result.rows}
    assert ("Campaign", "owner") in found
    assert ("Campaign", "sponsor") in found
    assert ("Funding request", "requester") in found
    assert ("Report subscription", "owner") in found
    assert all(row["holder"] == "Lev Leaving" for row in result.rows)
    # the colleague's stage still has an active approver (finance): not orphaned
    assert ("Approval stage", "approver") not in found
    assert result.chart is not None and not result.chart.is_empty
    assert result.rows[0]["_links"]["holder"] == reverse("accounts:user_handover", args=[orphans["owned"].owner_id])


def test_a_stage_whose_only_approvers_are_inactive_is_an_orphan(orphans, finance_user, admin_user):
    User.objects.filter(pk=finance_user.pk).update(is_active=False)
    rows = get_report("orphans").run(admin_user, {"kind": "stage"}).rows
    assert {row["holder"] for row in rows} == {finance_user.full_name, "Lev Leaving"}


def test_closed_campaigns_are_no_orphans(admin_user, team):
    gone = UserFactory(is_active=False)
    CampaignFactory(team=team, owner=gone, status=CampaignStatus.COMPLETED)
    result = get_report("orphans").run(admin_user, {})
    assert result.rows == []
    assert result.notes == ["Nothing is orphaned: every open item has an active holder."]


def test_orphans_report_is_for_admins_and_leadership(
    orphans, admin_user, cmo, approver, marketer, finance_user, client
):
    assert "orphans" in {r.slug for r in reports_for(admin_user)}
    assert "orphans" in {r.slug for r in reports_for(cmo)}
    assert "orphans" not in {r.slug for r in reports_for(approver)}
    assert "orphans" not in {r.slug for r in reports_for(marketer)}
    assert "orphans" not in {r.slug for r in reports_for(finance_user)}
    # the CMO sees the campaigns but neither subscriptions nor handover links
    rows = get_report("orphans").run(cmo, {}).rows
    assert rows and all("holder" not in row["_links"] for row in rows)
    assert "Report subscription" not in {row["kind"] for row in rows}
    client.force_login(cmo)
    assert client.get(reverse("reports:detail", args=["orphans"])).status_code == 200
    client.force_login(marketer)
    assert client.get(reverse("reports:detail", args=["orphans"])).status_code in (403, 404)


def test_orphans_report_exports(orphans, admin_user, client):
    client.force_login(admin_user)
    response = client.post(reverse("reports:export", args=["orphans"]), {"format": "csv"})
    assert response.status_code == 200
    assert "OWN-1" in response.content.decode("utf-8-sig")


def test_orphans_report_query_budget(assert_constant_queries, admin_user, team):
    def orphan():
        gone = UserFactory(is_active=False)
        CampaignFactory(team=team, owner=gone, sponsor=gone)

    report = get_report("orphans")
    assert_constant_queries(lambda: report.run(admin_user, {}), orphan, rows=10)
