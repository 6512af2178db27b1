"""What help tells people (PRODUCT.md §7): answers never as raw Markdown; questions stop waiting once answered."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from help import services
from notifications.models import Notification
from tests.factories import UserFactory
from tests.help.factories import ask, make_champion

pytestmark = pytest.mark.django_db

ANSWER = "Open **Budgets → Requests**, then [the guide](https://example.com/guide).\n\n- one\n- two\n\n<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def read_in_english():
    """What a test reads without a request is read in English (a page earlier in the run may have left Russian on)."""
    with translation.override("en"):
        yield


def test_an_answer_reads_as_safe_html_in_the_app_never_as_markdown(client, asker, champion):
    question = ask(asker)
    services.question_answer(question=question, body=ANSWER, by=champion)
    client.force_login(asker)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "<strong>Budgets → Requests</strong>" in html
    assert '<a href="https://example.com/guide" rel="noopener noreferrer">the guide</a>' in html
    assert "<li>one</li>" in html
    assert "**" not in html
    assert "<script>alert(1)</script>" not in html and "alert(1)" not in html


def test_an_answer_reads_as_plain_text_in_the_email(asker, champion, django_capture_on_commit_callbacks):
    question = ask(asker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, body=ANSWER, by=champion)
    (message,) = [m for m in mail.outbox if m.to == [asker.email]]
    assert "Open Budgets → Requests, then the guide (https://example.com/guide)." in message.body
    assert "- one\n- two" in message.body
    assert "**" not in message.body and "<" not in message.body.split("--")[0]


def test_an_answer_reads_in_the_askers_language(asker, champion):
    question = ask(asker)
    with translation.override("en"):
        services.question_answer(question=question, body="Yes.", by=champion)
    notice = Notification.objects.get(recipient=asker)
    with translation.override("ru"):
        assert notice.display_title == f"На ваш вопрос ответил(а) {champion.full_name}"


def test_answering_resolves_the_question_for_every_champion_it_went_to(asker, champion, team, client):
    # given two champions of the asker's team, both told of the question
    second = UserFactory(username="second-champion", roles=["marketer"], teams=[team])
    make_champion(second, team)
    question = ask(asker)
    assert Notification.objects.filter(subject_key=f"help.question:{question.pk}").count() == 2
    # when one of them answers
    services.question_answer(question=question, body="Done.", by=champion)
    # then the other's notice is done, saying who answered, and their bell no longer counts it
    notice = Notification.objects.get(recipient=second)
    assert notice.resolution == f"Answered by {champion.full_name}"
    client.force_login(second)
    assert 'data-testid="notification-count"' not in client.get(reverse("notifications:list")).content.decode()


def test_an_escalated_question_is_resolved_for_the_admins_once_answered(asker, admin_user):
    question = ask(asker)  # no champion: the admins are told at once
    services.question_answer(question=question, body="Here you go.", by=admin_user)
    assert not Notification.objects.filter(recipient=admin_user, resolved_at=None).exists()
