"""The template gallery (issue 18 item 2): save a plan, see it per role, start campaigns from it, remove it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.choices import CampaignStatus, KPIMetric
from campaigns.models import Campaign, CampaignTemplate
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 5, 4)


@pytest.fixture
def source(team, marketer, sponsor):
    campaign = CampaignFactory(
        code="EV-FAIR",
        name="Trade fair",
        team=team,
        owner=marketer,
        sponsor=sponsor,
        start_date=START,
        end_date=START + dt.timedelta(days=14),
        planned_cost=Decimal("900000"),
    )
    booth = ActivityFactory(
        campaign=campaign, name="Booth", start_date=START + dt.timedelta(days=7), end_date=START + dt.timedelta(days=9)
    )
    TaskFactory(campaign=campaign, activity=booth, title="Order the booth", due_date=START)
    KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, target=Decimal("150"), actual=Decimal("99"))
    return campaign


@pytest.fixture
def template(source, marketer):
    return services.campaign_template_save(campaign=source, name="Trade fair", by=marketer, description="Every spring")


def test_a_template_keeps_the_plan_as_it_was_saved(template, source, marketer):
    assert (template.team, template.source_code, template.created_by, template.confidential) == (
        source.team,
        "EV-FAIR",
        marketer,
        False,
    )
    assert template.summary == {"days": 15, "activities": 1, "tasks": 1, "kpis": 1}
    assert template.history.get().history_user == marketer
    # the source changes afterwards; the template does not
    source.activities.all().delete()
    started = services.campaign_start_from_template(
        template=template, name="Fair 2027", start_date=dt.date(2027, 5, 3), by=marketer
    )
    assert started.status == CampaignStatus.DRAFT and started.end_date == dt.date(2027, 5, 17)
    booth = started.activities.get()
    assert (booth.name, booth.start_date) == ("Booth", dt.date(2027, 5, 10))
    assert started.tasks.get().activity == booth
    assert started.kpis.get().actual is None
    assert started.history.first().history_change_reason == "Started from the template Trade fair"


def test_only_the_campaigns_editors_save_it_as_a_template(source, other_team_marketer, finance_user):
    for user in (other_team_marketer, finance_user):
        with pytest.raises(services.PermissionDenied):
            services.campaign_template_save(campaign=source, name="x", by=user)
    assert not CampaignTemplate.objects.exists()


def test_the_gallery_per_role(
    template, source, marketer, other_team_marketer, admin_user, finance_user, approver, leadership_user, team, sponsor
):
    secret = services.campaign_template_save(
        campaign=CampaignFactory(team=team, owner=marketer, sponsor=sponsor, confidential=True),
        name="Secret",
        by=marketer,
    )
    visible = lambda user: set(CampaignTemplate.objects.visible_to(user))  # noqa: E731
    assert visible(marketer) == visible(admin_user) == {template, secret}
    assert visible(other_team_marketer) == {template}
    for reader in (finance_user, approver, leadership_user):
        assert visible(reader) == set()


def test_another_team_starts_from_a_shared_template_into_its_own_team(template, other_team_marketer, other_team):
    with pytest.raises(services.PermissionDenied):
        services.campaign_start_from_template(template=template, name="x", start_date=START, by=other_team_marketer)
    mine = services.campaign_start_from_template(
        template=template, name="x", start_date=START, by=other_team_marketer, team=other_team
    )
    assert mine.team == other_team and mine.owner == other_team_marketer


def test_removing_a_template_is_for_its_author_its_team_and_admins(template, other_team_marketer, marketer):
    with pytest.raises(services.PermissionDenied):
        services.campaign_template_delete(template=template, by=other_team_marketer)
    services.campaign_template_delete(template=template, by=marketer)
    assert not CampaignTemplate.objects.exists()
    assert CampaignTemplate.history.filter(history_type="-", history_user=marketer).exists()


# --- API -------------------------------------------------------------------------------


def test_the_api_saves_lists_and_starts_from_templates(api_as, source, marketer):
    client = api_as(marketer)
    saved = client.post("/api/v1/campaign-templates/", {"campaign": source.pk, "name": "Fair"}, format="json")
    assert saved.status_code == 201, saved.json()
    data = saved.json()
    assert data["source_code"] == "EV-FAIR" and data["team"] == source.team_id
    assert data["summary"] == {"days": 15, "activities": 1, "tasks": 1, "kpis": 1}
    listed = client.get("/api/v1/campaign-templates/").json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    started = client.post(
        f"/api/v1/campaign-templates/{data['id']}/start/",
        {"name": "Fair 27", "start_date": "2027-05-03"},
        format="json",
    )
    assert started.status_code == 201, started.json()
    assert started.json()["status"] == "draft" and started.json()["end_date"] == "2027-05-17"
    assert client.delete(f"/api/v1/campaign-templates/{data['id']}/").status_code == 204


def test_the_api_refuses_a_template_of_a_campaign_one_cannot_read_as_a_field_error(
    api_as, other_team_confidential_campaign, marketer
):
    response = api_as(marketer).post(
        "/api/v1/campaign-templates/", {"campaign": other_team_confidential_campaign.pk, "name": "x"}, format="json"
    )
    assert response.status_code == 400 and "campaign" in response.json()
    assert not CampaignTemplate.objects.exists()


def test_the_gallery_list_costs_the_same_queries_for_few_and_many(
    api_as, source, marketer, client, django_assert_max_num_queries
):
    for index in range(3):
        services.campaign_template_save(campaign=source, name=f"T{index}", by=marketer)
    api = api_as(marketer)
    client.force_login(marketer)
    api.get("/api/v1/campaign-templates/")
    with django_assert_max_num_queries(8) as few:
        api.get("/api/v1/campaign-templates/")
    with django_assert_max_num_queries(12):
        client.get(reverse("campaigns:templates"))
    for index in range(20):
        services.campaign_template_save(campaign=source, name=f"More {index}", by=marketer)
    with django_assert_max_num_queries(len(few)):
        api.get("/api/v1/campaign-templates/")
    with django_assert_max_num_queries(12):
        assert "More 19" in client.get(reverse("campaigns:templates")).content.decode()


# --- pages -----------------------------------------------------------------------------


def test_save_browse_start_and_remove_in_the_browser_pages(client, source, marketer):
    client.force_login(marketer)
    assert (
        reverse("campaigns:save_template", args=[source.pk]) in client.get(source.get_absolute_url()).content.decode()
    )
    response = client.post(
        reverse("campaigns:save_template", args=[source.pk]), {"name": "Ярмарка", "description": "Каждую весну"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:templates")
    template = CampaignTemplate.objects.get()
    gallery = client.get(reverse("campaigns:templates")).content.decode()
    assert (
        "Ярмарка" in gallery
        and "Каждую весну" in gallery
        and reverse("campaigns:template_start", args=[template.pk]) in gallery
    )
    response = client.post(
        reverse("campaigns:template_start", args=[template.pk]),
        {"name": "Ярмарка 2027", "start_date": "2027-05-03", "team": source.team_id},
    )
    created = Campaign.objects.get(name="Ярмарка 2027")
    assert response["Location"] == created.get_absolute_url()
    response = client.post(reverse("campaigns:template_delete", args=[template.pk]))
    assert response.status_code == 302 and not CampaignTemplate.objects.exists()


def test_the_gallery_is_refused_to_roles_that_create_no_campaigns(client, finance_user):
    client.force_login(finance_user)
    assert client.get(reverse("campaigns:templates")).status_code == 403


def test_an_empty_gallery_says_how_to_add_one(client, marketer):
    client.force_login(marketer)
    page = client.get(reverse("campaigns:templates")).content.decode()
    assert 'data-testid="no-templates"' in page
