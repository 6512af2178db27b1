"""Who sees which campaign (PRODUCT.md §2), confidential ones above all.

Another team's confidential campaign must not appear to an outsider anywhere:
lists, detail pages, the board, the timeline, the calendar, ICS and embed
feeds, search or the API (404). Those entitled see it everywhere.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from icalendar import Calendar

from campaigns.models import Activity, Campaign, CampaignGroupObjectPermission
from campaigns.services import calendar_feed_create, campaign_share, campaign_unshare
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WINDOW = {
    "start": (dt.date.today() - dt.timedelta(days=40)).isoformat(),
    "end": (dt.date.today() + dt.timedelta(days=40)).isoformat(),
}


def sees_everywhere(client, api, user, campaign) -> dict:
    """Where ``user`` finds ``campaign``: page list, detail, board, timeline, calendar, API, ICS."""
    client.force_login(user)
    api.force_authenticate(user=user)
    feed = calendar_feed_create(owner=user, name="all", filters={}, by=user)
    ics = Calendar.from_ical(client.get(reverse("campaigns:feed_ics", args=[feed.token])).content)
    uids = {str(event.get("uid")) for event in ics.walk("VEVENT")}
    events = api.get("/api/v1/calendar/events/", WINDOW).json()
    return {
        "list": campaign.code in client.get(reverse("campaigns:list")).content.decode(),
        "search": campaign.code in client.get(reverse("campaigns:list"), {"search": "Secret"}).content.decode(),
        "detail": client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200,
        "board": campaign.code in client.get(reverse("campaigns:board")).content.decode(),
        "timeline": campaign.code in client.get(reverse("campaigns:timeline")).content.decode(),
        "calendar": any(e["campaign"]["id"] == campaign.pk for e in events),
        "api_list": any(c["id"] == campaign.pk for c in api.get("/api/v1/campaigns/").json()["results"]),
        "api_detail": api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200,
        "api_activities": any(a["campaign"] == campaign.pk for a in api.get("/api/v1/activities/").json()["results"]),
        "ics": any(uid.startswith(f"campaign-{campaign.pk}@") for uid in uids),
    }


def test_an_outsider_never_sees_another_teams_confidential_campaign(
    client, api_client, marketer, other_team_confidential_campaign
):
    found = sees_everywhere(client, api_client, marketer, other_team_confidential_campaign)
    assert not any(found.values()), found
    # and the detail answers 404, not 403: its existence does not leak
    assert client.get(reverse("campaigns:detail", args=[other_team_confidential_campaign.pk])).status_code == 404
    assert api_client.get(f"/api/v1/campaigns/{other_team_confidential_campaign.pk}/").status_code == 404
    activity = other_team_confidential_campaign.activities.get()
    assert api_client.get(f"/api/v1/activities/{activity.pk}/").status_code == 404


def test_approvers_not_involved_do_not_see_it(client, api_client, approver, other_team_confidential_campaign):
    assert not any(sees_everywhere(client, api_client, approver, other_team_confidential_campaign).values())


@pytest.mark.parametrize("who", ["other_team_marketer", "sponsor", "finance_user", "admin_user"])
def test_the_team_owner_sponsor_finance_and_admins_see_it_everywhere(
    request, client, api_client, other_team_confidential_campaign, who
):
    user = request.getfixturevalue(who)
    found = sees_everywhere(client, api_client, user, other_team_confidential_campaign)
    assert all(found.values()), found


def test_a_teammate_who_is_not_owner_sees_it(client, api_client, other_team, other_team_confidential_campaign):
    teammate = UserFactory(username="teammate", roles=["marketer"], teams=[other_team])
    assert all(sees_everywhere(client, api_client, teammate, other_team_confidential_campaign).values())


def test_sharing_through_guardian_grants_and_unsharing_takes_away(
    client, api_client, marketer, other_team_marketer, other_team_confidential_campaign
):
    # given the owner shares the campaign with a marketer of another team
    campaign_share(campaign=other_team_confidential_campaign, user=marketer, by=other_team_marketer)
    assert marketer.has_perm("campaigns.view_campaign", other_team_confidential_campaign)
    assert Campaign.objects.visible_to(marketer).filter(pk=other_team_confidential_campaign.pk).exists()
    # when access is taken away
    campaign_unshare(campaign=other_team_confidential_campaign, user=marketer, by=other_team_marketer)
    # then it is gone again
    marketer = type(marketer).objects.get(pk=marketer.pk)
    assert not Campaign.objects.visible_to(marketer).filter(pk=other_team_confidential_campaign.pk).exists()


def test_a_group_grant_lets_the_group_see_it(marketer, other_team_confidential_campaign):
    group = Group.objects.create(name="Agency partners")
    marketer.groups.add(group)
    CampaignGroupObjectPermission.objects.create(
        group=group,
        permission=Permission.objects.get(codename="view_campaign"),
        content_object=other_team_confidential_campaign,
    )
    assert Campaign.objects.visible_to(marketer).filter(pk=other_team_confidential_campaign.pk).exists()


def test_confidential_activities_never_reach_the_public_calendar(client, other_team_confidential_campaign):
    # given its activity is flagged public
    assert other_team_confidential_campaign.activities.get().public
    # then neither the embed feed nor the query behind it shows it
    assert not Activity.objects.public().exists()
    events = client.get(reverse("campaigns:embed_events")).json()
    assert events == []


def test_non_confidential_campaigns_of_other_teams_are_readable_not_editable(
    client, api_as, other_team_marketer, planned_campaign
):
    client.force_login(other_team_marketer)
    body = client.get(reverse("campaigns:detail", args=[planned_campaign.pk])).content.decode()
    assert planned_campaign.name in body
    assert reverse("campaigns:edit", args=[planned_campaign.pk]) not in body
    assert client.get(reverse("campaigns:edit", args=[planned_campaign.pk])).status_code == 403
    api = api_as(other_team_marketer)
    assert api.patch(f"/api/v1/campaigns/{planned_campaign.pk}/", {"name": "Hijack"}, format="json").status_code == 403
    assert Campaign.objects.get(pk=planned_campaign.pk).name == "Brand summer"


def test_users_without_a_role_see_only_what_they_are_involved_in(team, planned_campaign):
    nobody = UserFactory(username="nobody")
    assert not Campaign.objects.visible_to(nobody).exists()
    owned = CampaignFactory(team=team, owner=nobody)
    assert list(Campaign.objects.visible_to(nobody)) == [owned]


def test_inactive_and_anonymous_users_see_nothing(planned_campaign, marketer):
    from django.contrib.auth.models import AnonymousUser

    assert not Campaign.objects.visible_to(AnonymousUser()).exists()
    marketer.is_active = False
    assert not Campaign.objects.visible_to(marketer).exists()


def test_tasks_and_kpis_follow_their_campaign(api_as, marketer, other_team_confidential_campaign):
    task = TaskFactory(campaign=other_team_confidential_campaign)
    api = api_as(marketer)
    assert api.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api.get("/api/v1/tasks/").json()["count"] == 0
    assert api.get("/api/v1/kpis/").json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/campaigns/?parent={campaign}",
        "/api/v1/activities/?campaign={campaign}",
        "/api/v1/tasks/?campaign={campaign}",
        "/api/v1/tasks/?activity={activity}",
        "/api/v1/kpis/?campaign={campaign}",
    ],
)
def test_filtering_by_a_hidden_campaign_answers_like_a_missing_one(
    api_as, marketer, other_team_confidential_campaign, path
):
    # given an outsider and ids of another team's confidential campaign and its activity
    api = api_as(marketer)
    hidden = {
        "campaign": other_team_confidential_campaign.pk,
        "activity": other_team_confidential_campaign.activities.get().pk,
    }
    missing = {"campaign": 2**31 - 1, "activity": 2**31 - 1}
    # when they filter by the hidden ids and by ids that do not exist
    probe = api.get(path.format(**hidden))
    absent = api.get(path.format(**missing))
    # then both answers are the same: its existence does not leak
    assert probe.status_code == absent.status_code == 400
    assert probe.json().keys() == absent.json().keys()


def test_the_list_page_cannot_be_probed_with_a_parent_filter(client, marketer, other_team_confidential_campaign):
    client.force_login(marketer)
    probe = client.get(reverse("campaigns:list"), {"parent": other_team_confidential_campaign.pk}).content.decode()
    absent = client.get(reverse("campaigns:list"), {"parent": 2**31 - 1}).content.decode()
    assert "Select a valid choice" in probe and "Select a valid choice" in absent


def test_filtering_by_a_visible_campaign_still_works(api_as, other_team_marketer, other_team_confidential_campaign):
    api = api_as(other_team_marketer)
    response = api.get(f"/api/v1/activities/?campaign={other_team_confidential_campaign.pk}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_the_condition_is_built_once_per_user_and_still_follows_grants_made_after(
    marketer, admin_user, other_team_confidential_campaign, monkeypatch
):
    """Built once per user object and day (it costs Django more than the database), yet never stale:
    it holds subqueries, so a grant given or taken back afterwards counts at once."""
    from campaigns import querysets

    querysets.forget_shared_conditions()
    built = []
    original = querysets._campaign_visibility_q
    monkeypatch.setattr(
        querysets, "_campaign_visibility_q", lambda user, prefix: built.append(prefix) or original(user, prefix)
    )
    visible = Campaign.objects.visible_to(marketer)
    assert not visible.filter(pk=other_team_confidential_campaign.pk).exists()
    Activity.objects.visible_to(marketer).count()
    Campaign.objects.visible_to(marketer).count()
    assert built == ["", "campaign__"]
    # a grant given after the condition was built shows the campaign to the same user object
    campaign_share(campaign=other_team_confidential_campaign, user=marketer, by=admin_user)
    assert Campaign.objects.visible_to(marketer).filter(pk=other_team_confidential_campaign.pk).exists()
    campaign_unshare(campaign=other_team_confidential_campaign, user=marketer, by=admin_user)
    assert not Campaign.objects.visible_to(marketer).filter(pk=other_team_confidential_campaign.pk).exists()
    assert built == ["", "campaign__"]


def test_each_request_reuses_the_persons_compiled_condition_and_it_still_follows_grants(
    marketer, admin_user, other_team, other_team_confidential_campaign, monkeypatch
):
    """Every request loads a new user object: the condition is built and compiled once per process for the
    same person, teams, role and day (issue 16), and still holds subqueries, never a list of ids."""
    from accounts.models import Membership, User
    from campaigns import querysets

    querysets.forget_shared_conditions()
    built = []
    original = querysets._campaign_visibility_q
    monkeypatch.setattr(
        querysets, "_campaign_visibility_q", lambda user, prefix: built.append(prefix) or original(user, prefix)
    )

    def fresh():  # as the next request loads its user
        return User.objects.get(pk=marketer.pk)

    # given the condition built for one request
    assert not Campaign.objects.visible_to(fresh()).filter(pk=other_team_confidential_campaign.pk).exists()
    # when the next requests come, with a grant given and then taken back between them
    campaign_share(campaign=other_team_confidential_campaign, user=marketer, by=admin_user)
    assert Campaign.objects.visible_to(fresh()).filter(pk=other_team_confidential_campaign.pk).exists()
    campaign_unshare(campaign=other_team_confidential_campaign, user=marketer, by=admin_user)
    assert not Campaign.objects.visible_to(fresh()).filter(pk=other_team_confidential_campaign.pk).exists()
    # then it was built once, and the answers followed the grant
    assert built == [""]
    # and joining the campaign's team is another condition, built anew
    Membership.objects.create(user=marketer, team=other_team)
    assert Campaign.objects.visible_to(fresh()).filter(pk=other_team_confidential_campaign.pk).exists()
    assert built == ["", ""]
