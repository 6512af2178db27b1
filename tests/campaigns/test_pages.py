"""Campaign pages in the browser's terms: forms, list, detail, board, timeline (PRODUCT.md §3)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.choices import CampaignStatus
from campaigns.models import Activity, Campaign, CampaignTransition, Channel, Task
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory

pytestmark = pytest.mark.django_db


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
        "tags": "sale, winter",
        **extra,
    }


def test_navigation_shows_campaigns_and_calendar(client, marketer):
    client.force_login(marketer)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("campaigns:list") in body and reverse("campaigns:calendar") in body


def test_marketer_creates_a_campaign_from_the_form(client, marketer, team):
    client.force_login(marketer)
    assert client.get(reverse("campaigns:create")).status_code == 200
    response = client.post(reverse("campaigns:create"), form_data(team, marketer))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert campaign.code.startswith("CMP-2026-")
    assert campaign.tag_list == ["sale", "winter"]
    assert [c.code for c in campaign.channels.all()] == ["social"]
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Winter sale" in page and "250,000.50" in page


def test_form_errors_are_shown_and_nothing_is_saved(client, marketer, team, other_team):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:create"), form_data(team, marketer, end_date="2026-11-01", planned_cost="-5")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end date cannot be before the start date." in body or "Ensure this value is greater than" in body
    assert not Campaign.objects.exists()
    # a team the marketer is not in is not even offered
    response = client.post(reverse("campaigns:create"), form_data(other_team, marketer))
    assert "Select a valid choice" in response.content.decode()
    assert not Campaign.objects.exists()


def test_end_before_start_is_explained(client, marketer, team):
    client.force_login(marketer)
    response = client.post(reverse("campaigns:create"), form_data(team, marketer, end_date="2026-11-01"))
    assert "The end date cannot be before the start date." in response.content.decode()


def test_errors_are_translated_to_russian(client, marketer, team):
    marketer.language = "ru"
    marketer.save()
    client.force_login(marketer)
    response = client.post(reverse("campaigns:create"), form_data(team, marketer, end_date="2026-11-01"))
    assert "Дата окончания не может быть раньше даты начала." in response.content.decode()
    translation.activate("en")


def test_readers_may_not_open_the_create_form(client, approver):
    client.force_login(approver)
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_edit_form_saves_through_the_service_and_keeps_history(client, marketer, draft_campaign):
    client.force_login(marketer)
    data = form_data(draft_campaign.team, marketer, name="Brand spring 2", code=draft_campaign.code)
    response = client.post(reverse("campaigns:edit", args=[draft_campaign.pk]), data)
    assert response.status_code == 302
    draft_campaign.refresh_from_db()
    assert draft_campaign.name == "Brand spring 2"
    page = client.get(draft_campaign.get_absolute_url()).content.decode()
    assert "Brand spring 2" in page
    assert 'data-testid="history-entry"' in page


def test_list_filters_search_order_and_paginate(client, marketer, team, other_team):
    for n in range(30):
        CampaignFactory(code=f"L-{n:02d}", name=f"List {n:02d}", team=team if n % 2 else other_team)
    CampaignFactory(code="FIND-ME", name="Needle", team=team, status=CampaignStatus.ACTIVE)
    client.force_login(marketer)
    page1 = client.get(reverse("campaigns:list"), {"ordering": "code"}).content.decode()
    assert "FIND-ME" in page1 and "L-22" in page1 and "L-29" not in page1  # 25 per page
    assert "Page 1 of 2" in page1
    assert "L-29" in client.get(reverse("campaigns:list"), {"ordering": "code", "page": 2}).content.decode()
    searched = client.get(reverse("campaigns:list"), {"search": "needle"}).content.decode()
    assert "FIND-ME" in searched and "L-01" not in searched
    active = client.get(reverse("campaigns:list"), {"status": "active"}).content.decode()
    assert "FIND-ME" in active and "L-01" not in active
    by_team = client.get(reverse("campaigns:list"), {"team": other_team.pk}).content.decode()
    assert "L-00" in by_team and "L-01" not in by_team


def test_list_answers_htmx_with_the_results_fragment(client, marketer, draft_campaign):
    client.force_login(marketer)
    response = client.get(reverse("campaigns:list"), {"search": "spring"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "BR-001" in body and "<html" not in body


def test_invalid_filters_show_an_error_not_a_500(client, marketer, draft_campaign):
    client.force_login(marketer)
    response = client.get(reverse("campaigns:list"), {"starts_after": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_detail_shows_overview_activities_tasks_kpis_and_history(client, marketer, planned_campaign):
    ActivityFactory(campaign=planned_campaign, name="Roadshow stop", public=True)
    TaskFactory(campaign=planned_campaign, title="Order banners", due_date=dt.date.today() - dt.timedelta(days=1))
    KPIFactory(campaign=planned_campaign, target=200, actual=50)
    client.force_login(marketer)
    body = client.get(planned_campaign.get_absolute_url()).content.decode()
    for text in ["Overview", "Roadshow stop", "Order banners", "overdue", "Leads", "25%", "History", "Launch"]:
        assert text in body, text


def test_board_moves_a_card_with_htmx_and_refuses_illegal_moves_in_place(client, marketer, planned_campaign):
    client.force_login(marketer)
    board = client.get(reverse("campaigns:board")).content.decode()
    assert f'data-testid="move-{planned_campaign.pk}-active"' in board
    # when the card is moved planned → active
    response = client.post(
        reverse("campaigns:transition", args=[planned_campaign.pk]),
        {"status": "active", "note": "launch day", "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="board"' in body and "<html" not in body
    assert Campaign.objects.get(pk=planned_campaign.pk).status == CampaignStatus.ACTIVE
    assert CampaignTransition.objects.get().note == "launch day"
    # and a move the lifecycle has not is refused in the card, with the reason
    response = client.post(
        reverse("campaigns:transition", args=[planned_campaign.pk]),
        {"status": "draft", "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert "cannot go from active to draft" in response.content.decode()
    assert Campaign.objects.get(pk=planned_campaign.pk).status == CampaignStatus.ACTIVE


def test_a_crowded_board_column_shows_its_first_cards_its_full_count_and_links_to_the_rest(
    client, marketer, team, monkeypatch
):
    from campaigns import selectors

    monkeypatch.setattr(selectors, "BOARD_COLUMN_LIMIT", 2)
    planned = [
        CampaignFactory(team=team, owner=marketer, status=CampaignStatus.PLANNED, start_date=dt.date(2027, 1, day))
        for day in (5, 1, 3)
    ]
    active = CampaignFactory(team=team, owner=marketer, status=CampaignStatus.ACTIVE)
    client.force_login(marketer)
    body = client.get(reverse("campaigns:board"), {"team": team.pk}).content.decode()
    # the two that start first, not the third
    earliest, middle, latest = sorted(planned, key=lambda c: c.start_date)
    assert f'data-testid="card-{earliest.pk}"' in body and f'data-testid="card-{middle.pk}"' in body
    assert f'data-testid="card-{latest.pk}"' not in body
    assert f'data-testid="card-{active.pk}"' in body
    assert "The first 2 of 3 by start date." in body
    assert f'href="{reverse("campaigns:list")}?team={team.pk}&amp;status=planned"' in body
    assert 'data-testid="column-more-active"' not in body


def test_a_move_on_a_filtered_board_keeps_its_filters(client, marketer, team, sponsor, planned_campaign):
    # given the board filtered by a search that leaves one other campaign out
    CampaignFactory(code="BR-OTHER", name="Unrelated", team=team, sponsor=sponsor, status=CampaignStatus.PLANNED)
    client.force_login(marketer)
    board = client.get(reverse("campaigns:board"), {"search": "summer"}, HTTP_HX_REQUEST="true").content.decode()
    assert "BR-OTHER" not in board
    # the card's move is posted with the board's filters
    assert f"/campaigns/{planned_campaign.pk}/transition/?search=summer" in board
    # when the card is moved with htmx
    response = client.post(
        reverse("campaigns:transition", args=[planned_campaign.pk]) + "?search=summer",
        {"status": "active", "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    # then the board comes back still filtered
    body = response.content.decode()
    assert "BR-002" in body and "BR-OTHER" not in body
    # and without JavaScript the redirect keeps the filters too
    response = client.post(
        reverse("campaigns:transition", args=[planned_campaign.pk]) + "?search=summer",
        {"status": "completed", "from": "board"},
    )
    assert response["Location"] == reverse("campaigns:board") + "?search=summer"


def test_transition_from_the_page_redirects_with_a_message(client, marketer, draft_campaign):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:transition", args=[draft_campaign.pk]), {"status": "planned"}, follow=True
    )
    assert "is now Planned" in response.content.decode()


def test_board_shows_no_move_buttons_to_readers(client, approver, planned_campaign):
    client.force_login(approver)
    board = client.get(reverse("campaigns:board")).content.decode()
    assert planned_campaign.code in board
    assert f"move-{planned_campaign.pk}-" not in board
    response = client.post(reverse("campaigns:transition", args=[planned_campaign.pk]), {"status": "active"})
    assert response.status_code == 403
    assert Campaign.objects.get(pk=planned_campaign.pk).status == CampaignStatus.PLANNED


def test_timeline_draws_campaigns_and_activities(client, marketer, planned_campaign):
    ActivityFactory(campaign=planned_campaign, name="Kick-off")
    client.force_login(marketer)
    start = planned_campaign.start_date - dt.timedelta(days=3)
    body = client.get(
        reverse("campaigns:timeline"), {"start": start.isoformat(), "end": (start + dt.timedelta(days=90)).isoformat()}
    ).content.decode()
    assert 'data-testid="timeline"' in body and "Brand summer" in body and "Kick-off" in body
    assert 'class="timeline-bar timeline-bar-campaign' in body
    bad = client.get(reverse("campaigns:timeline"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "Choose an end after the start" in bad.content.decode()


def test_timeline_filters_by_team_and_status_and_says_when_it_stops_drawing(
    client, marketer, team, other_team, sponsor, planned_campaign, monkeypatch
):
    # given campaigns of two teams in the same window
    CampaignFactory(code="EV-T1", name="Events fair", team=other_team, sponsor=sponsor, status=CampaignStatus.ACTIVE)
    client.force_login(marketer)
    window = {
        "start": (planned_campaign.start_date - dt.timedelta(days=3)).isoformat(),
        "end": (planned_campaign.start_date + dt.timedelta(days=60)).isoformat(),
    }
    # when filtered by team, then by status, only the matching campaigns are drawn
    by_team = client.get(reverse("campaigns:timeline"), {**window, "team": team.pk}).content.decode()
    assert "Brand summer" in by_team and "Events fair" not in by_team
    by_status = client.get(reverse("campaigns:timeline"), {**window, "status": "active"}).content.decode()
    assert "Events fair" in by_status and "Brand summer" not in by_status
    assert 'id="tl-team"' in by_team and 'id="tl-status"' in by_team
    # and past the drawing limit the page says so instead of dropping campaigns silently
    monkeypatch.setattr("campaigns.views.TIMELINE_LIMIT", 1)
    capped = client.get(reverse("campaigns:timeline"), window).content.decode()
    assert 'data-testid="timeline-truncated"' in capped
    assert (
        'data-testid="timeline-truncated"'
        not in client.get(reverse("campaigns:timeline"), window | {"team": team.pk}).content.decode()
    )


def test_activity_task_and_kpi_forms(client, marketer, draft_campaign):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:activity_create", args=[draft_campaign.pk]),
        {
            "name": "Booth",
            "type": "event",
            "status": "planned",
            "start_date": draft_campaign.start_date.isoformat(),
            "end_date": draft_campaign.start_date.isoformat(),
            "start_time": "10:00",
            "end_time": "",
        },
    )
    assert response.status_code == 200
    assert "Give both a start and an end time" in response.content.decode()
    assert not Activity.objects.exists()
    client.post(
        reverse("campaigns:activity_create", args=[draft_campaign.pk]),
        {
            "name": "Booth",
            "type": "event",
            "status": "planned",
            "start_date": draft_campaign.start_date.isoformat(),
            "end_date": draft_campaign.start_date.isoformat(),
        },
    )
    activity = Activity.objects.get()
    response = client.post(
        reverse("campaigns:task_create", args=[draft_campaign.pk]),
        {"task-title": "Print flyers", "task-activity": activity.pk},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    response = client.post(reverse("campaigns:task_toggle", args=[task.pk]), {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="task-' in response.content.decode()
    assert Task.objects.get().done
    response = client.post(
        reverse("campaigns:kpi_create", args=[draft_campaign.pk]), {"metric": "custom", "custom_name": ""}
    )
    assert "Name the custom metric." in response.content.decode()
    client.post(reverse("campaigns:kpi_create", args=[draft_campaign.pk]), {"metric": "revenue", "target": "1000000"})
    assert draft_campaign.kpis.get().target == 1000000


def test_other_teams_cannot_open_part_forms(client, other_team_marketer, draft_campaign):
    client.force_login(other_team_marketer)
    for name in ["activity_create", "task_create", "kpi_create", "edit"]:
        assert client.get(reverse(f"campaigns:{name}", args=[draft_campaign.pk])).status_code == 403


def test_sharing_a_confidential_campaign_from_its_page(
    client, other_team_marketer, marketer, other_team_confidential_campaign
):
    client.force_login(other_team_marketer)
    url = other_team_confidential_campaign.get_absolute_url()
    assert "Shared with" in client.get(url).content.decode()
    client.post(reverse("campaigns:share", args=[other_team_confidential_campaign.pk]), {"user": marketer.pk})
    client.force_login(marketer)
    assert client.get(url).status_code == 200


def test_pages_need_sign_in(client, draft_campaign):
    for url in [
        reverse("campaigns:list"),
        reverse("campaigns:board"),
        reverse("campaigns:calendar"),
        draft_campaign.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/campaigns/campaign/",
        "/admin/campaigns/activity/",
        "/admin/campaigns/task/",
        "/admin/campaigns/kpi/",
        "/admin/campaigns/channel/",
        "/admin/campaigns/calendarfeed/",
        "/admin/campaigns/campaigntransition/",
        "/admin/campaigns/campaignuserobjectpermission/",
    ],
)
def test_admin_lists_with_search(client, admin_user, draft_campaign, url):
    client.force_login(admin_user)
    assert client.get(url, {"q": "brand"}).status_code == 200


def test_admin_creates_a_campaign_through_the_service(client, admin_user, team, marketer):
    client.force_login(admin_user)
    response = client.post(
        "/admin/campaigns/campaign/add/",
        {
            "code": "",
            "name": "Admin made",
            "team": team.pk,
            "owner": marketer.pk,
            "start_date": "2026-01-01",
            "end_date": "2026-01-31",
            "planned_cost": "0",
            "tags": "",
            "activities-TOTAL_FORMS": "0",
            "activities-INITIAL_FORMS": "0",
            "tasks-TOTAL_FORMS": "0",
            "tasks-INITIAL_FORMS": "0",
            "kpis-TOTAL_FORMS": "0",
            "kpis-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(name="Admin made")
    assert campaign.code == "CMP-2026-0001" and campaign.created_by == admin_user


def test_ids_in_markup_are_never_localised(client, marketer, team, sponsor):
    # given ids past a thousand (the locale would write 12,345)
    campaign = CampaignFactory(id=12345, team=team, owner=marketer, sponsor=sponsor, status=CampaignStatus.PLANNED)
    task = TaskFactory(id=23456, campaign=campaign)
    client.force_login(marketer)
    board = client.get(reverse("campaigns:board")).content.decode()
    assert 'data-testid="move-12345-active"' in board and "12,345" not in board
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert f'id="task-{task.pk}"' in page and "23,456" not in page
    calendar = client.get(reverse("campaigns:calendar")).content.decode()
    assert f'<option value="{team.pk}">' in calendar


def test_parts_are_deleted_from_their_edit_pages_by_editors_only(client, marketer, other_team_marketer, draft_campaign):
    from campaigns.models import KPI

    activity = ActivityFactory(campaign=draft_campaign)
    task = TaskFactory(campaign=draft_campaign)
    kpi = KPIFactory(campaign=draft_campaign)
    client.force_login(other_team_marketer)
    assert client.post(reverse("campaigns:activity_delete", args=[activity.pk])).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()
    client.force_login(marketer)
    assert "Delete activity" in client.get(reverse("campaigns:activity_edit", args=[activity.pk])).content.decode()
    for name, obj in [("activity_delete", activity), ("task_delete", task), ("kpi_delete", kpi)]:
        response = client.post(reverse(f"campaigns:{name}", args=[obj.pk]))
        assert response.status_code == 302 and response["Location"] == draft_campaign.get_absolute_url()
    assert not Activity.objects.exists() and not Task.objects.exists() and not KPI.objects.exists()
    history = client.get(draft_campaign.get_absolute_url()).content.decode()
    assert "deleted" in history
