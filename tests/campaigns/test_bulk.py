"""Bulk changes of campaigns (issue 18 item 1): the same rules as one by one, per-id outcomes, one undo."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaigns.bulk import campaigns_bulk, campaigns_bulk_undo
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignBatch
from campaigns.services import campaign_update
from mrm.exceptions import StateConflict
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 6, 1)


@pytest.fixture
def campaigns(team, marketer, sponsor):
    return [
        CampaignFactory(
            code=f"BULK-{n}",
            team=team,
            owner=marketer,
            sponsor=sponsor,
            start_date=START,
            end_date=START + dt.timedelta(days=9),
            tags="a",
        )
        for n in range(3)
    ]


def ids(objs):
    return [obj.pk for obj in objs]


def test_a_status_change_passes_each_campaign_through_the_lifecycle_and_lists_refusals(campaigns, marketer, team):
    orphan = CampaignFactory(code="NO-SPONSOR", team=team, owner=marketer, sponsor=None)
    outcomes, batch = campaigns_bulk(
        ids=[*ids(campaigns), orphan.pk], action="status", status="planned", note="Q3", by=marketer
    )
    assert [o.ok for o in outcomes] == [True, True, True, False]
    assert "sponsor" in outcomes[3].error
    assert set(Campaign.objects.filter(status="planned").values_list("code", flat=True)) == {
        "BULK-0",
        "BULK-1",
        "BULK-2",
    }
    # one history entry per campaign, by who made the change
    for campaign in campaigns:
        assert campaign.history.filter(history_user=marketer, status="planned").count() == 1
    assert batch.created_by == marketer and set(batch.items) == {str(pk) for pk in ids(campaigns)}


def test_ids_one_cannot_read_answer_exactly_as_ids_that_do_not_exist(
    campaigns, marketer, other_team_confidential_campaign
):
    outcomes, _batch = campaigns_bulk(
        ids=[other_team_confidential_campaign.pk, 999999, campaigns[0].pk], action="tags", add_tags=["x"], by=marketer
    )
    hidden, missing, mine = outcomes
    assert (hidden.ok, missing.ok, mine.ok) == (False, False, True)
    assert hidden.error == missing.error == "Not found."
    other_team_confidential_campaign.refresh_from_db()
    assert "x" not in other_team_confidential_campaign.tag_list


def test_another_teams_campaigns_it_can_read_are_refused_as_by_hand(campaigns, other_team_marketer):
    outcomes, batch = campaigns_bulk(ids=ids(campaigns), action="tags", add_tags=["mine"], by=other_team_marketer)
    assert not any(o.ok for o in outcomes) and batch is None
    assert outcomes[0].error == "You cannot edit this campaign."


def test_owner_sponsor_team_and_tags(campaigns, marketer, team, sponsor):
    newcomer = UserFactory(username="newcomer", roles=["marketer"], teams=[team])
    campaigns_bulk(ids=ids(campaigns), action="owner", owner=newcomer, by=marketer)
    campaigns_bulk(ids=ids(campaigns), action="sponsor", sponsor=None, by=marketer)
    campaigns_bulk(ids=ids(campaigns), action="tags", add_tags=["b", "c"], remove_tags=["a"], by=marketer)
    for campaign in Campaign.objects.filter(pk__in=ids(campaigns)):
        assert (campaign.owner, campaign.sponsor, campaign.tags) == (newcomer, None, "b, c")


def test_shifting_dates_moves_the_plan_and_undo_moves_it_back(campaigns, marketer):
    activity = ActivityFactory(
        campaign=campaigns[0], start_date=START + dt.timedelta(days=2), end_date=START + dt.timedelta(days=3)
    )
    task = TaskFactory(campaign=campaigns[0], due_date=START + dt.timedelta(days=1))
    outcomes, batch = campaigns_bulk(ids=ids(campaigns), action="shift_dates", days=7, by=marketer)
    assert all(o.ok for o in outcomes)
    activity.refresh_from_db()
    task.refresh_from_db()
    assert Campaign.objects.get(pk=campaigns[0].pk).start_date == START + dt.timedelta(days=7)
    assert activity.start_date == START + dt.timedelta(days=9) and task.due_date == START + dt.timedelta(days=8)
    undone = campaigns_bulk_undo(batch=batch, by=marketer)
    assert all(o.ok for o in undone)
    activity.refresh_from_db()
    assert Campaign.objects.get(pk=campaigns[0].pk).start_date == START and activity.start_date == START + dt.timedelta(
        days=2
    )


def test_undo_leaves_campaigns_changed_since_and_happens_once(campaigns, marketer):
    _outcomes, batch = campaigns_bulk(ids=ids(campaigns), action="tags", add_tags=["q3"], by=marketer)
    campaign_update(campaign=Campaign.objects.get(pk=campaigns[1].pk), by=marketer, name="Edited by hand")
    outcomes = campaigns_bulk_undo(batch=batch, by=marketer)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "Changed since" in outcomes[1].error
    assert Campaign.objects.get(pk=campaigns[0].pk).tags == "a"
    assert "q3" in Campaign.objects.get(pk=campaigns[1].pk).tags
    with pytest.raises(StateConflict):
        campaigns_bulk_undo(batch=batch, by=marketer)


def test_only_its_author_or_an_admin_undoes_a_batch(campaigns, marketer, team, admin_user):
    colleague = UserFactory(username="colleague", roles=["marketer"], teams=[team])
    _outcomes, batch = campaigns_bulk(ids=ids(campaigns), action="tags", add_tags=["z"], by=marketer)
    with pytest.raises(PermissionDenied):
        campaigns_bulk_undo(batch=batch, by=colleague)
    assert all(o.ok for o in campaigns_bulk_undo(batch=batch, by=admin_user))


def test_a_status_undo_goes_back_through_the_lifecycle(campaigns, marketer):
    _outcomes, batch = campaigns_bulk(ids=ids(campaigns[:1]), action="status", status="cancelled", by=marketer)
    outcomes = campaigns_bulk_undo(batch=batch, by=marketer)
    assert not outcomes[0].ok and "cannot go from cancelled" in outcomes[0].error
    assert Campaign.objects.get(pk=campaigns[0].pk).status == CampaignStatus.CANCELLED


@pytest.mark.parametrize(
    "action, params, field",
    [
        ("explode", {}, "action"),
        ("status", {}, "status"),
        ("owner", {}, "owner"),
        ("sponsor", {}, "sponsor"),
        ("tags", {"add_tags": [" "]}, "add_tags"),
        ("shift_dates", {"days": 0}, "days"),
        ("shift_dates", {"days": 99999}, "days"),
    ],
)
def test_an_action_without_what_it_needs_is_refused_before_anything_changes(campaigns, marketer, action, params, field):
    with pytest.raises(ValidationError) as error:
        campaigns_bulk(ids=ids(campaigns), action=action, by=marketer, **params)
    assert field in error.value.message_dict
    assert not CampaignBatch.objects.exists()


def test_the_bulk_costs_the_same_queries_per_campaign(team, marketer, sponsor, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = [CampaignFactory(team=team, owner=marketer, sponsor=sponsor) for _ in range(2)]
    many = [CampaignFactory(team=team, owner=marketer, sponsor=sponsor) for _ in range(10)]
    campaigns_bulk(ids=ids(few), action="tags", add_tags=["warm"], by=marketer)
    with CaptureQueriesContext(connection) as small:
        campaigns_bulk(ids=ids(few), action="tags", add_tags=["x"], by=marketer)
    with CaptureQueriesContext(connection) as large:
        campaigns_bulk(ids=ids(many), action="tags", add_tags=["x"], by=marketer)
    with CaptureQueriesContext(connection) as by_hand:
        campaign_update(campaign=Campaign.objects.get(pk=many[0].pk), by=marketer, tags=["by hand"])
    per_campaign = (len(large) - len(small)) / 8
    # each campaign costs what the same edit by hand costs, plus its savepoint, its release and its stamp
    assert per_campaign <= len(by_hand) + 3


# --- API -------------------------------------------------------------------------------


def test_the_api_answers_per_id_results_and_a_batch_to_undo(
    api_as, campaigns, marketer, other_team_confidential_campaign
):
    client = api_as(marketer)
    body = {"ids": [*ids(campaigns), other_team_confidential_campaign.pk, 999999], "action": "shift_dates", "days": -3}
    response = client.post("/api/v1/campaigns/bulk/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["results"][:3] == [{"id": pk, "ok": True} for pk in ids(campaigns)]
    assert data["results"][3] == {"id": other_team_confidential_campaign.pk, "ok": False, "error": "Not found."}
    assert data["results"][4] == {"id": 999999, "ok": False, "error": "Not found."}
    undo = client.post("/api/v1/campaigns/bulk/undo/", {"batch": data["batch"]}, format="json")
    assert undo.status_code == 200 and all(r["ok"] for r in undo.json()["results"])
    assert client.post("/api/v1/campaigns/bulk/undo/", {"batch": data["batch"]}, format="json").status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": [], "action": "tags", "add_tags": ["a"]},
        {"ids": ["x"], "action": "tags"},
        {"ids": [1], "action": "nope"},
        {"ids": list(range(1, 502)), "action": "tags", "add_tags": ["a"]},
        {"ids": [1], "action": "owner", "owner": 999999},
        {"ids": [1], "action": "shift_dates", "days": "soon"},
    ],
)
def test_the_api_refuses_bad_bodies_with_400(api_as, campaigns, marketer, body):
    response = api_as(marketer).post("/api/v1/campaigns/bulk/", body, format="json")
    assert response.status_code == 400
    assert not CampaignBatch.objects.exists()


@pytest.mark.parametrize("role", ["approver", "finance_user", "leadership_user"])
def test_roles_that_change_no_campaigns_get_403(request, api_as, campaigns, role):
    user = request.getfixturevalue(role)
    response = api_as(user).post(
        "/api/v1/campaigns/bulk/", {"ids": ids(campaigns), "action": "tags", "add_tags": ["x"]}, format="json"
    )
    assert response.status_code == 403


def test_someone_elses_batch_answers_404(api_as, campaigns, marketer, team):
    _outcomes, batch = campaigns_bulk(ids=ids(campaigns), action="tags", add_tags=["z"], by=marketer)
    colleague = UserFactory(username="colleague", roles=["marketer"], teams=[team])
    response = api_as(colleague).post("/api/v1/campaigns/bulk/undo/", {"batch": batch.pk}, format="json")
    assert response.status_code == 404


# --- pages -----------------------------------------------------------------------------


def test_the_list_offers_the_bulk_bar_to_marketers_only(client, campaigns, marketer, finance_user):
    client.force_login(marketer)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert 'data-testid="bulk-bar"' in page and f'name="ids" value="{campaigns[0].pk}"' in page
    client.force_login(finance_user)
    assert 'data-testid="bulk-bar"' not in client.get(reverse("campaigns:list")).content.decode()


def test_the_page_changes_the_ticked_campaigns_and_undoes(client, campaigns, marketer):
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:bulk"), {"action": "tags", "add_tags": "q4, web", "ids": [campaigns[0].pk, campaigns[2].pk]}
    )
    assert response.status_code == 200
    assert response.context["changed"] == 2
    assert Campaign.objects.get(pk=campaigns[0].pk).tags == "a, q4, web"
    assert Campaign.objects.get(pk=campaigns[1].pk).tags == "a"
    batch = response.context["batch"]
    undone = client.post(reverse("campaigns:bulk_undo", args=[batch.pk]))
    assert undone.status_code == 200 and Campaign.objects.get(pk=campaigns[0].pk).tags == "a"


def test_all_matching_the_filters_reaches_every_page_of_the_list(client, team, marketer, sponsor):
    for n in range(30):
        CampaignFactory(code=f"WEB-{n}", name=f"Webinar {n}", team=team, owner=marketer, sponsor=sponsor)
    CampaignFactory(code="PRINT-1", name="Flyer", team=team, owner=marketer, sponsor=sponsor)
    client.force_login(marketer)
    response = client.post(
        reverse("campaigns:bulk"),
        {"action": "tags", "add_tags": "webinars", "all_matching": "1", "filters": "search=Webinar"},
    )
    assert response.context["changed"] == 30
    assert Campaign.objects.filter(tags__contains="webinars").count() == 30
    assert "webinars" not in Campaign.objects.get(code="PRINT-1").tags


def test_a_bulk_bar_without_what_the_action_needs_says_so_and_changes_nothing(client, campaigns, marketer):
    client.force_login(marketer)
    response = client.post(reverse("campaigns:bulk"), {"action": "owner", "ids": [campaigns[0].pk]})
    assert response.status_code == 400
    assert response.context["errors"] and not CampaignBatch.objects.exists()
