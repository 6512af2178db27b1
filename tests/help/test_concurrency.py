"""Races on PostgreSQL with real threads: one answer wins, each question escalates once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from help import services
from help.choices import QuestionStatus
from help.models import Question
from mrm.exceptions import StateConflict
from notifications.models import Notification
from tests.help.factories import ask, make_champion, team_member
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_champions_answering_at_once_one_wins(asker, champion, team):
    second = make_champion(team_member(team, "second-champion"), team)
    question = ask(asker)
    people = [champion, second] * 4
    results, errors = race(
        len(people),
        lambda i: services.question_answer(
            question=Question.objects.get(pk=question.pk), body=f"answer {i}", by=people[i]
        ),
    )
    assert len(results) == 1
    assert all(isinstance(error, StateConflict) for error in errors) and len(errors) == len(people) - 1
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert Notification.objects.filter(recipient=asker).count() == 1


def test_escalation_jobs_running_at_once_escalate_each_question_once(asker, champion, admin_user):
    questions = [ask(asker, body=f"q{i}") for i in range(3)]
    Question.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    Notification.objects.all().delete()
    results, errors = race(6, lambda i: services.questions_escalate_overdue())
    assert errors == []
    assert sum(results) == 3
    assert Notification.objects.filter(recipient=admin_user, kind="escalation").count() == 3
    assert all(q.status == QuestionStatus.ESCALATED for q in Question.objects.filter(pk__in=[q.pk for q in questions]))


def test_a_champion_of_another_team_cannot_slip_in_during_a_race(asker, champion, other_champion):
    question = ask(asker)
    people = [other_champion, champion]
    results, errors = race(
        2,
        lambda i: services.question_answer(question=Question.objects.get(pk=question.pk), body="x", by=people[i]),
    )
    assert len(results) == 1 and results[0].answered_by_id == champion.pk
    assert len(errors) == 1 and isinstance(errors[0], PermissionDenied)
