"""Discussion on campaigns, activities and tasks (issue 18 item 5): scoped like the object, mentions notify."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.choices import CampaignStatus
from comments.models import Comment
from comments.services import comment_post, mentioned_usernames
from notifications.models import Notification
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def channels(db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


@pytest.fixture
def campaign(team, marketer):
    return CampaignFactory(code="DISC-1", name="Launch", team=team, owner=marketer)


@pytest.fixture
def secret(other_team, other_team_marketer):
    return CampaignFactory(
        code="SECRET", team=other_team, owner=other_team_marketer, confidential=True, status=CampaignStatus.PLANNED
    )


def test_mentions_are_usernames_not_email_addresses():
    assert mentioned_usernames("@olga and @ivan.petrov, mail me at a@b.ru; @olga again") == ["olga", "ivan.petrov"]


def test_a_comment_notifies_the_people_it_mentions_and_changes_nothing(campaign, marketer, approver):
    before = (campaign.status, campaign.updated_at)
    comment = comment_post(
        target_type="campaign",
        target_id=campaign.pk,
        body=f"@{approver.username} can you check the dates?",
        by=marketer,
    )
    assert list(comment.mentions.all()) == [approver]
    note = Notification.objects.get(recipient=approver)
    assert "mentioned you" in note.title and note.url.endswith("#discussion")
    assert not Notification.objects.filter(recipient=marketer).exists()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.updated_at) == before


def test_comments_on_activities_and_tasks(campaign, marketer):
    activity = ActivityFactory(campaign=campaign, name="Webinar")
    task = TaskFactory(campaign=campaign, title="Slides")
    comment_post(target_type="activity", target_id=activity.pk, body="Room booked", by=marketer)
    comment_post(target_type="task", target_id=task.pk, body="Draft ready", by=marketer)
    assert Comment.objects.filter(target_type="activity", target_id=activity.pk).count() == 1


@pytest.mark.parametrize(
    "body, message",
    [("   ", "Write something"), ("x" * 5001, "under 5000"), ("@nobody look", "No active user is called @nobody")],
)
def test_bad_comments_are_refused_and_nothing_is_written(campaign, marketer, body, message):
    with pytest.raises(ValidationError) as error:
        comment_post(target_type="campaign", target_id=campaign.pk, body=body, by=marketer)
    assert message in " ".join(error.value.messages)
    assert not Comment.objects.exists()


def test_someone_who_cannot_see_the_campaign_cannot_be_mentioned(secret, other_team_marketer, marketer):
    with pytest.raises(ValidationError) as error:
        comment_post(
            target_type="campaign", target_id=secret.pk, body=f"@{marketer.username} look", by=other_team_marketer
        )
    assert "cannot see this" in " ".join(error.value.messages)
    assert not Notification.objects.exists()


def test_a_hidden_object_answers_as_a_missing_one(secret, marketer):
    errors = []
    for target_id in (secret.pk, 999999):
        with pytest.raises(ValidationError) as error:
            comment_post(target_type="campaign", target_id=target_id, body="hi", by=marketer)
        errors.append(error.value.message_dict)
    assert errors[0] == errors[1] == {"target_id": ["This object does not exist."]}


def test_comments_are_seen_by_whoever_sees_the_object(
    campaign, secret, marketer, other_team_marketer, finance_user, approver, leadership_user, admin_user
):
    mine = comment_post(target_type="campaign", target_id=campaign.pk, body="open", by=marketer)
    hidden = comment_post(target_type="campaign", target_id=secret.pk, body="secret", by=other_team_marketer)
    assert set(Comment.objects.visible_to(marketer)) == {mine}
    assert set(Comment.objects.visible_to(approver)) == {mine}
    for reader in (other_team_marketer, finance_user, leadership_user, admin_user):
        assert set(Comment.objects.visible_to(reader)) == {mine, hidden}


# --- API -------------------------------------------------------------------------------


def test_the_api_posts_and_lists_a_discussion(api_as, campaign, marketer, approver):
    client = api_as(approver)
    response = client.post(
        "/api/v1/comments/",
        {"target_type": "campaign", "target_id": campaign.pk, "body": f"@{marketer.username} ok"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["mentions"] == [marketer.username] and data["author"] == approver.pk
    listed = api_as(marketer).get("/api/v1/comments/", {"target_type": "campaign", "target_id": campaign.pk}).json()
    assert [row["body"] for row in listed["results"]] == [f"@{marketer.username} ok"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"target_type": "budget", "target_id": 1, "body": "x"},
        {"target_type": "campaign", "target_id": "x", "body": "x"},
        {"target_type": "campaign", "target_id": 999999, "body": "x"},
        {"target_type": "campaign", "body": "x"},
    ],
)
def test_the_api_refuses_bad_comments_with_400(api_as, campaign, marketer, body):
    response = api_as(marketer).post("/api/v1/comments/", body, format="json")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_api_hides_comments_on_campaigns_one_cannot_read(api_as, secret, other_team_marketer, marketer):
    hidden = comment_post(target_type="campaign", target_id=secret.pk, body="secret", by=other_team_marketer)
    client = api_as(marketer)
    assert client.get(f"/api/v1/comments/{hidden.pk}/").status_code == 404
    assert client.get("/api/v1/comments/").json()["count"] == 0


def test_the_list_costs_the_same_queries_for_few_and_many(
    api_as, campaign, marketer, approver, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(marketer)
    comment_post(target_type="campaign", target_id=campaign.pk, body=f"@{approver.username} hi", by=marketer)
    client.get("/api/v1/comments/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/comments/")
    for n in range(15):
        comment_post(target_type="campaign", target_id=campaign.pk, body=f"@{approver.username} {n}", by=marketer)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/v1/comments/").json()["count"] == 16


# --- the campaign page -----------------------------------------------------------------


def test_the_campaign_page_shows_its_discussion_and_timeline(client, campaign, marketer, approver):
    task = TaskFactory(campaign=campaign, title="Slides")
    comment_post(target_type="task", target_id=task.pk, body=f"@{approver.username} <b>needs</b> review", by=marketer)
    client.force_login(approver)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'id="discussion"' in page and "about Slides" in page
    assert f"<strong>@{approver.username}</strong> &lt;b&gt;needs&lt;/b&gt; review" in page
    assert "commented" in page  # in the history timeline too


def test_posting_from_the_page_with_htmx_answers_the_discussion(client, campaign, marketer):
    activity = ActivityFactory(campaign=campaign, name="Webinar")
    client.force_login(marketer)
    url = reverse("campaigns:comment", args=[campaign.pk])
    response = client.post(url, {"body": "Room booked", "about": f"activity:{activity.pk}"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Room booked" in response.content.decode()
    assert Comment.objects.get().target_type == "activity"
    other = ActivityFactory()
    refused = client.post(url, {"body": "sneaky", "about": f"activity:{other.pk}"}, HTTP_HX_REQUEST="true")
    # htmx swaps only successful answers: the refusal is the discussion again, with its error and the text kept
    assert refused.status_code == 200 and Comment.objects.count() == 1
    assert "Choose what the comment is about" in refused.content.decode() and "sneaky" in refused.content.decode()
    plain = client.post(url, {"body": "Without htmx"})
    assert plain.status_code == 302 and plain["Location"].endswith("#discussion")


def test_the_list_refuses_an_id_that_is_not_a_whole_number(api_as, marketer):
    assert api_as(marketer).get("/api/v1/comments/", {"target_id": "12.5"}).status_code == 400
    assert api_as(marketer).get("/api/v1/comments/", {"target_id": "12"}).status_code == 200
