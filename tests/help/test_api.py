"""``/api/v1/questions/`` per role (PRODUCT.md §7, §8)."""

import pytest

from help.choices import QuestionStatus
from help.models import Question
from notifications.models import Notification
from tests.help.factories import answered, ask, published

pytestmark = pytest.mark.django_db

URL = "/api/v1/questions/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_asking_through_the_api(api_as, asker, champion):
    response = api_as(asker).post(URL, {"body": "How do I add a KPI?", "page_url": "/campaigns/"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["asked_by"] == asker.pk and data["page_url"] == "/campaigns/"
    assert data["answer"] == "" and data["answered_by"] is None and data["is_faq"] is False
    assert set(data) >= {
        "id", "body", "status", "asked_by", "page_url", "page_title", "answer",
        "answered_by", "answered_at", "created_at", "is_faq",
    }  # fmt: skip
    assert Notification.objects.filter(recipient=champion).exists()
    assert api_as(asker).get(f"{URL}{data['id']}/").status_code == 200


def test_bad_input_is_a_400(api_as, asker):
    client = api_as(asker)
    assert client.post(URL, {"body": ""}, format="json").status_code == 400
    bad = client.post(URL, {"body": "x", "page_url": "https://evil.example/"}, format="json")
    assert bad.status_code == 400 and "page_url" in bad.json()
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_lists_are_scoped_per_role(api_as, asker, champion, other_champion, approver, finance_user, admin_user):
    question = ask(asker)
    faq = published(asker, champion, body="Exported?")
    assert ids(api_as(asker).get(URL)) == {question.pk, faq.pk}
    assert ids(api_as(champion).get(URL)) == {question.pk, faq.pk}
    assert ids(api_as(admin_user).get(URL)) == {question.pk, faq.pk}
    for outsider in (other_champion, approver, finance_user):
        assert ids(api_as(outsider).get(URL)) == {faq.pk}, outsider.username
        assert api_as(outsider).get(f"{URL}{question.pk}/").status_code == 404


def test_filters_to_answer_and_faq(api_as, asker, champion):
    question = ask(asker)
    faq = published(asker, champion, body="Exported?")
    assert ids(api_as(champion).get(URL, {"to_answer": "true"})) == {question.pk}
    assert ids(api_as(asker).get(URL, {"is_faq": "true"})) == {faq.pk}
    assert ids(api_as(asker).get(URL, {"mine": "true", "status": "open"})) == {question.pk}


def test_the_champion_answers_then_publishes(api_as, asker, champion):
    question = ask(asker)
    client = api_as(champion)
    response = client.post(f"{URL}{question.pk}/answer/", {"body": "Like **this**."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered" and response.json()["answered_by"] == champion.pk
    assert client.post(f"{URL}{question.pk}/answer/", {"body": "again"}, format="json").status_code == 409
    published_response = client.post(f"{URL}{question.pk}/publish/")
    assert published_response.status_code == 200 and published_response.json()["is_faq"] is True
    assert client.post(f"{URL}{question.pk}/publish/").status_code == 409


def test_answer_refusals(api_as, asker, champion, other_champion, admin_user):
    question = ask(asker)
    # the asker: 403; another team's champion cannot even see it: 404
    assert api_as(asker).post(f"{URL}{question.pk}/answer/", {"body": "me"}, format="json").status_code == 403
    assert api_as(other_champion).post(f"{URL}{question.pk}/answer/", {"body": "x"}, format="json").status_code == 404
    # an empty answer: 400
    assert api_as(champion).post(f"{URL}{question.pk}/answer/", {"body": ""}, format="json").status_code == 400
    # where another team's champion sees the question (a published FAQ), answering it is a 403
    faq = published(asker, champion, body="Seen by all")
    response = api_as(other_champion).post(f"{URL}{faq.pk}/answer/", {"body": "x"}, format="json")
    assert response.status_code == 403
    # publishing: not the answerer (the asker) 403; unanswered 409
    done = answered(asker, champion, body="Other")
    assert api_as(asker).post(f"{URL}{done.pk}/publish/").status_code == 403
    assert api_as(admin_user).post(f"{URL}{question.pk}/publish/").status_code == 409
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_anonymous_is_401(api_client, asker):
    question = ask(asker)
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}{question.pk}/").status_code == 401
    assert api_client.post(URL, {"body": "x"}, format="json").status_code == 401
    assert Question.objects.count() == 1
