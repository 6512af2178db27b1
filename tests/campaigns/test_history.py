"""The campaign page's history (PRODUCT.md §8 audit): who changed what, in words people read."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from campaigns.models import Campaign, Channel
from campaigns.selectors import campaign_history
from campaigns.services import activity_create, campaign_create, campaign_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(team, marketer, sponsor):
    return campaign_create(
        by=marketer,
        name="Autumn fair",
        team=team,
        owner=marketer,
        sponsor=sponsor,
        start_date="2026-10-01",
        end_date="2026-10-31",
        channels=[Channel.objects.get(code="email")],
    )


def changes_of(campaign) -> dict:
    """The latest campaign entry's changes, by field."""
    entry = next(e for e in campaign_history(campaign) if e["kind"] == "Campaign" and e["changes"])
    return {change["field"]: (str(change["old"]), str(change["new"])) for change in entry["changes"]}


def test_people_and_teams_are_named_not_numbered(campaign, marketer, team):
    # given a new owner
    successor = UserFactory(username="anna", display_name="Anna Successor", roles=["marketer"], teams=[team])
    # when the owner changes
    campaign_update(campaign=campaign, by=marketer, owner=successor)
    # then the history names both people
    assert changes_of(campaign)["owner"] == (marketer.full_name, "Anna Successor")


def test_flags_read_yes_and_no(campaign, marketer):
    campaign_update(campaign=campaign, by=marketer, confidential=True)
    assert changes_of(campaign)["confidential"] == ("no", "yes")


def test_a_change_of_channels_is_on_record_with_the_acting_user(campaign, marketer):
    # when a channel is added
    social = Channel.objects.get(code="social")
    campaign_update(campaign=campaign, by=marketer, channels=[Channel.objects.get(code="email"), social])
    # then the history shows the channel sets before and after, by name, and who did it
    entry = next(e for e in campaign_history(campaign) if any(c["field"] == "channels" for c in e["changes"]))
    change = next(c for c in entry["changes"] if c["field"] == "channels")
    assert (change["old"], change["new"]) == ("E-mail", "E-mail, Social media")
    assert entry["user"] == marketer


def test_the_activity_owner_and_the_task_activity_are_named(campaign, marketer):
    activity = activity_create(
        campaign=campaign, by=marketer, name="Booth", start_date="2026-10-05", end_date="2026-10-05"
    )
    other = UserFactory(username="boris", display_name="Boris Builder", roles=["marketer"])
    from campaigns.services import activity_update

    activity_update(activity=activity, by=marketer, owner=other)
    entry = next(e for e in campaign_history(campaign) if e["kind"] == "Activity" and e["changes"])
    assert [(c["field"], c["old"], c["new"]) for c in entry["changes"]] == [("owner", None, "Boris Builder")]


def test_the_page_shows_names_in_the_history(client, campaign, marketer, team):
    successor = UserFactory(username="anna", display_name="Anna Successor", roles=["marketer"], teams=[team])
    campaign_update(campaign=campaign, by=marketer, owner=successor)
    client.force_login(marketer)
    history = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode().split('id="history"')[1]
    assert "Anna Successor" in history
    assert f"→ {successor.pk}<" not in history


def test_the_migration_gives_old_records_the_current_channels(campaign):
    # given history records from before channels were recorded
    rows = apps.get_model("campaigns", "HistoricalCampaign_channels").objects
    rows.all().delete()
    # when the migration's backfill runs
    migration = importlib.import_module("campaigns.migrations.0003_campaign_channels_history")
    migration.backfill_channels(apps, None)
    # then every old record carries today's channels, so no change is invented
    email = Channel.objects.get(code="email")
    assert set(rows.values_list("channel_id", flat=True)) == {email.pk}
    assert rows.count() == Campaign.history.filter(id=campaign.pk).count()
    assert not [c for e in campaign_history(campaign) for c in e["changes"] if c["field"] == "channels"]
