"""The accepted date window (issue 15.1): refused where dates come in, survived where stored rows are read."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from campaigns.models import KPI, Activity, Campaign, Channel, Task
from campaigns.services import calendar_feed_create
from tests.campaigns.factories import ActivityFactory, CampaignFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
FAR_PAST, FAR_FUTURE = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def payload(team, owner, **extra):
    return {
        "name": "Autumn push",
        "team": team.pk,
        "owner": owner.pk,
        "start_date": "2026-09-01",
        "end_date": "2026-10-15",
        "planned_cost": "1500.00",
        "channels": [Channel.objects.get(code="email").pk],
        **extra,
    }


# --- refused where they come in ---------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("start_date", "0001-01-01"), ("end_date", "9999-12-31")])
def test_the_api_refuses_a_campaign_date_outside_the_window(api_as, marketer, team, field, value):
    response = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer, **{field: value}), format="json")
    assert response.status_code == 400
    assert response.json()[field] == ["Enter a date between 2000-01-01 and 2100-12-31."]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("amount", ["١٥٠٠", "१५००", "１５００", "1_500", "1e5", "NaN", "Infinity"])
def test_the_api_refuses_money_in_other_digits_or_notations(api_as, marketer, team, amount):
    response = api_as(marketer).post("/api/v1/campaigns/", payload(team, marketer, planned_cost=amount), format="json")
    assert response.status_code == 400
    assert "planned_cost" in response.json()
    assert not Campaign.objects.exists()


def test_the_window_follows_the_settings(api_as, marketer, team, settings):
    settings.MRM_DATE_MAX_YEAR = 2030
    response = api_as(marketer).post(
        "/api/v1/campaigns/", payload(team, marketer, end_date="2031-01-01"), format="json"
    )
    assert response.json()["end_date"] == ["Enter a date between 2000-01-01 and 2030-12-31."]


def test_a_task_due_date_outside_the_window_is_a_400(api_as, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    response = api_as(marketer).post(
        "/api/v1/tasks/", {"campaign": campaign.pk, "title": "Call", "due_date": "9999-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert "due_date" in response.json()
    assert not Task.objects.exists()


def test_an_activity_date_outside_the_window_is_a_400(api_as, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    response = api_as(marketer).post(
        "/api/v1/activities/",
        {
            "campaign": campaign.pk,
            "name": "Webinar",
            "type": "webinar",
            "start_date": "0999-01-01",
            "end_date": "0999-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "start_date" in response.json()
    assert not Activity.objects.exists()


def form_data(team, owner, **extra):
    return {
        "name": "Winter sale",
        "code": "",
        "team": team.pk,
        "owner": owner.pk,
        "sponsor": "",
        "channels": [Channel.objects.get(code="social").pk],
        "start_date": "2026-12-01",
        "end_date": "2026-12-31",
        "planned_cost": "250000.50",
        "objective": "",
        "description": "",
        "parent": "",
        "tags": "",
        **extra,
    }


def test_the_campaign_form_refuses_a_date_outside_the_window_in_russian(client, marketer, team):
    marketer.language = "ru"
    marketer.save()
    client.force_login(marketer)
    response = client.post(reverse("campaigns:create"), form_data(team, marketer, end_date="9999-12-31"))
    assert response.status_code in (200, 400)
    assert "Укажите дату с 2000-01-01 по 2100-12-31." in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("amount", ["٢٥٠", "２５０", "1_000", "1e5"])
def test_the_campaign_form_refuses_money_in_other_digits(client, marketer, team, amount):
    client.force_login(marketer)
    response = client.post(reverse("campaigns:create"), form_data(team, marketer, planned_cost=amount))
    assert "digits 0–9" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_kpi_form_refuses_an_exponent(client, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    client.force_login(marketer)
    client.post(reverse("campaigns:kpi_create", args=[campaign.pk]), {"metric": "revenue", "target": "1e5"})
    assert not KPI.objects.exists()


def test_the_timeline_ignores_a_window_beyond_the_dates_it_can_draw(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("campaigns:timeline"), {"start": "9999-06-01", "end": "9999-12-31"})
    assert response.status_code == 200


def test_the_calendar_api_refuses_a_window_outside_the_dates(api_as, marketer):
    response = api_as(marketer).get("/api/v1/calendar/events/", {"start": "9999-12-01", "end": "9999-12-31"})
    assert response.status_code == 400


# --- survived where stored rows are read ----------------------------------------------------


@pytest.fixture
def stored_out_of_window(team, marketer):
    """Rows stored before the window held, written past every validation (a raw update)."""
    campaign = CampaignFactory(team=team, owner=marketer, name="Forever", start_date=TODAY, end_date=TODAY)
    all_day = ActivityFactory(campaign=campaign, name="Endless fair", start_date=TODAY, end_date=TODAY, public=True)
    timed = ActivityFactory(
        campaign=campaign,
        name="Ancient webinar",
        start_date=TODAY,
        end_date=TODAY,
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    Campaign.objects.filter(pk=campaign.pk).update(start_date=FAR_PAST, end_date=FAR_FUTURE)
    Activity.objects.filter(pk=all_day.pk).update(end_date=FAR_FUTURE)
    Activity.objects.filter(pk=timed.pk).update(start_date=FAR_PAST)
    return {"campaign": campaign, "all_day": all_day, "timed": timed}


def test_the_calendar_api_shows_out_of_window_rows_clamped(api_as, marketer, stored_out_of_window):
    response = api_as(marketer).get(
        "/api/v1/calendar/events/", {"start": TODAY.isoformat(), "end": (TODAY + dt.timedelta(days=7)).isoformat()}
    )
    assert response.status_code == 200
    events = {event["id"]: event for event in response.json()}
    campaign = events[f"campaign-{stored_out_of_window['campaign'].pk}"]
    assert (campaign["start"], campaign["end"]) == ("2000-01-01", "2101-01-01")
    assert events[f"activity-{stored_out_of_window['all_day'].pk}"]["end"] == "2101-01-01"
    assert events[f"activity-{stored_out_of_window['timed'].pk}"]["start"].startswith("2000-01-01T10:00")


def test_the_ics_feed_survives_out_of_window_rows(client, marketer, stored_out_of_window):
    feed = calendar_feed_create(owner=marketer, name="All", filters={}, by=marketer)
    response = client.get(reverse("campaigns:feed_ics", args=[feed.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "DTEND;VALUE=DATE:21010101" in body
    assert "Endless fair" in body and "Ancient webinar" in body


def test_the_public_calendar_and_timeline_survive_out_of_window_rows(client, marketer, stored_out_of_window):
    assert client.get(reverse("campaigns:embed_events"), {"upcoming": "5"}).status_code == 200
    client.force_login(marketer)
    assert client.get(reverse("campaigns:timeline")).status_code == 200
    assert client.get(reverse("campaigns:calendar")).status_code == 200
    assert client.get(stored_out_of_window["campaign"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("export", ["", "csv", "xlsx", "pdf"])
def test_reports_survive_out_of_window_rows(client, api_as, admin_user, stored_out_of_window, export):
    client.force_login(admin_user)
    if export:
        response = client.post(reverse("reports:export", args=["campaign-status"]), {"format": export})
    else:
        response = client.get(reverse("reports:detail", args=["campaign-status"]))
    assert response.status_code == 200
    if export != "pdf":
        api = api_as(admin_user).get("/api/v1/reports/campaign-status/", {"format": export or "json"})
        assert api.status_code == 200


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_moves_stored_rows_into_the_window_and_reports_them(stored_out_of_window, capsys):
    migration = importlib.import_module("campaigns.migrations.0005_dates_within_window")
    # when
    migration.clamp_dates(apps, None)
    # then
    campaign = Campaign.objects.get(pk=stored_out_of_window["campaign"].pk)
    assert (campaign.start_date, campaign.end_date) == (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    assert Activity.objects.get(pk=stored_out_of_window["all_day"].pk).end_date == dt.date(2100, 12, 31)
    assert Activity.objects.get(pk=stored_out_of_window["timed"].pk).start_date == dt.date(2000, 1, 1)
    reported = capsys.readouterr().out
    assert f"campaigns.Campaign #{campaign.pk}" in reported and "moved into 2000-01-01…2100-12-31" in reported
    # and rows inside the window are left alone; a second run moves nothing
    assert migration.clamp_dates(apps, None) is None
    assert "moved" not in capsys.readouterr().out
