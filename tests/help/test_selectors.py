"""The champions' figures, reused by the adoption dashboard (PRODUCT.md §7)."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from help import services
from help.models import Question
from help.selectors import champion_answer_stats, questions_answered_by_role
from tests.help.factories import answered, ask, make_champion, team_member

pytestmark = pytest.mark.django_db


def _answer_after(question, hours, by):
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours))
    return services.question_answer(question=question, body="ok", by=by)


def test_answers_and_median_time_per_champion(asker, champion, team, other_team):
    idle = make_champion(team_member(other_team, "idle"), other_team)
    for hours in (1, 3, 8):
        _answer_after(ask(asker), hours, champion)
    stats = {row.user.username: row for row in champion_answer_stats()}
    assert stats[champion.username].answers == 3
    assert stats[champion.username].median_hours == pytest.approx(3, abs=0.1)
    assert stats[champion.username].teams == [team.name]
    assert stats[idle.username].answers == 0 and stats[idle.username].median_time_to_answer is None


def test_answered_by_role_and_since(asker, champion, admin_user):
    with freeze_time(timezone.now() - dt.timedelta(days=40)):
        answered(asker, champion)
    answered(asker, champion)
    services.question_answer(question=ask(asker), body="admin here", by=admin_user)
    ask(asker)  # open: not counted
    assert questions_answered_by_role() == {"champions": 2, "admins": 1, "total": 3}
    since = timezone.now() - dt.timedelta(days=7)
    assert questions_answered_by_role(since) == {"champions": 1, "admins": 1, "total": 2}
    assert {row.user.pk: row.answers for row in champion_answer_stats(since=since)} == {champion.pk: 1}
