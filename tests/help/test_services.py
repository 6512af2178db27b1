"""Asking, answering, publishing and escalating questions (PRODUCT.md §7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from help import services
from help.choices import AnswererRole, QuestionStatus
from help.models import Question
from help.tasks import escalate_unanswered_questions_task
from mrm.exceptions import StateConflict
from notifications.models import Notification
from tests.help.factories import answered, ask, make_champion, published, team_member

pytestmark = pytest.mark.django_db


def test_asking_notifies_the_champions_of_the_askers_teams_first(asker, champion, other_champion, admin_user, team):
    # given an asker of Brand, whose champion is the marketer, and a champion of another team
    # when the asker asks a question from a campaign page
    question = ask(asker, body="Where do I see my funding requests?", page_url="/campaigns/", page_title="Campaigns")
    # then only Brand's champion is told, not the other team's champion nor the admins
    assert question.status == QuestionStatus.OPEN
    assert list(question.teams.all()) == [team]
    assert question.page_view_name == "campaigns:list"
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {champion.username}
    note = Notification.objects.get()
    assert note.url == question.get_absolute_url()
    assert "Where do I see my funding requests?" in note.body


def test_without_a_champion_the_question_goes_to_the_admins_at_once(asker, admin_user):
    # given a team without champion
    # when someone asks
    question = ask(asker)
    # then it is escalated at once and the admins are told
    assert question.status == QuestionStatus.ESCALATED
    assert question.escalated_at is not None
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [admin_user.username]


def test_a_champion_asking_is_not_told_of_their_own_question(champion, admin_user):
    question = ask(champion)
    # the only champion is the asker: the question goes to the admins
    assert question.status == QuestionStatus.ESCALATED
    assert not Notification.objects.filter(recipient=champion).exists()


def test_a_question_needs_a_body_and_a_local_page(asker):
    with pytest.raises(ValidationError) as empty:
        ask(asker, body="   ")
    assert "body" in empty.value.message_dict
    for url in ("https://evil.example/", "//evil.example/x", "campaigns/", "/a b"):
        with pytest.raises(ValidationError) as bad:
            ask(asker, page_url=url)
        assert "page_url" in bad.value.message_dict
    assert not Question.objects.exists()


def test_the_champion_answers_and_the_asker_is_told(asker, champion):
    question = ask(asker)
    Notification.objects.all().delete()
    # when the champion answers
    done = services.question_answer(question=question, body="Open **Budgets → Requests**.", by=champion)
    # then it is answered, in the champion's capacity, and the asker is notified
    assert done.status == QuestionStatus.ANSWERED
    assert done.answered_by == champion and done.answered_as == AnswererRole.CHAMPION
    assert done.answered_at is not None
    note = Notification.objects.get()
    assert note.recipient == asker and note.url == question.get_absolute_url()
    assert done.history.count() == 2  # asked, answered


def test_a_champion_of_another_team_may_not_answer(asker, champion, other_champion):
    question = ask(asker)
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, body="I think…", by=other_champion)
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_the_asker_cannot_answer_their_own_question_unless_admin(asker, champion, admin_user, team):
    question = ask(asker)
    with pytest.raises(PermissionDenied, match="your own question"):
        services.question_answer(question=question, body="Found it myself", by=asker)
    # an admin may answer even their own question
    make_champion(admin_user, team)
    own = ask(admin_user)
    done = services.question_answer(question=own, body="Noted for the docs", by=admin_user)
    assert done.status == QuestionStatus.ANSWERED


def test_an_admin_answers_as_admin(asker, champion, admin_user):
    done = services.question_answer(question=ask(asker), body="Here is how.", by=admin_user)
    assert done.answered_as == AnswererRole.ADMIN


def test_a_question_is_answered_once(asker, champion, admin_user):
    question = answered(asker, champion)
    with pytest.raises(StateConflict):
        services.question_answer(question=question, body="Me too", by=admin_user)


def test_publishing_is_for_the_answerer_or_an_admin_and_only_when_answered(asker, champion, admin_user, team):
    second_champion = make_champion(team_member(team, "second"), team)
    question = ask(asker)
    with pytest.raises(StateConflict):
        services.question_publish(question=question, by=admin_user)
    services.question_answer(question=question, body="Like this", by=champion)
    with pytest.raises(PermissionDenied):
        services.question_publish(question=question, by=second_champion)
    with pytest.raises(PermissionDenied):
        services.question_publish(question=question, by=asker)
    done = services.question_publish(question=question, by=champion)
    assert done.is_faq and done.published_at is not None
    with pytest.raises(StateConflict):
        services.question_publish(question=question, by=admin_user)
    services.question_unpublish(question=question, by=admin_user)
    question.refresh_from_db()
    assert not question.is_faq and question.status == QuestionStatus.ANSWERED


def test_unanswered_questions_escalate_once_however_often_the_job_runs(asker, champion, admin_user, settings):
    settings.MRM_QUESTION_ESCALATE_HOURS = 24
    second_admin = team_member(champion.teams.first(), "admin2", roles=("admin",))
    with freeze_time(timezone.now() - dt.timedelta(hours=25)):
        late = ask(asker, body="Old question")
    fresh = ask(asker, body="New question")
    done = published(asker, champion, body="Answered question")
    Question.objects.filter(pk=done.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    Notification.objects.all().delete()
    # when the job runs twice
    assert escalate_unanswered_questions_task() == 1
    assert escalate_unanswered_questions_task() == 0
    # then only the late question escalated, and each admin heard of it once
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.status == QuestionStatus.ESCALATED and late.escalated_at is not None
    assert fresh.status == QuestionStatus.OPEN
    notes = Notification.objects.filter(kind="escalation")
    assert sorted(notes.values_list("recipient__username", flat=True)) == sorted(
        [admin_user.username, second_admin.username]
    )
    assert all(note.url == late.get_absolute_url() for note in notes)
    # and an escalated question can still be answered by the champion
    services.question_answer(question=late, body="Sorry for the wait", by=champion)


def test_the_delay_is_configurable(asker, champion, admin_user, settings):
    settings.MRM_QUESTION_ESCALATE_HOURS = 2
    with freeze_time(timezone.now() - dt.timedelta(hours=3)):
        question = ask(asker)
    assert services.questions_escalate_overdue() == 1
    question.refresh_from_db()
    assert question.status == QuestionStatus.ESCALATED
