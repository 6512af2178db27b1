"""Who may do what with help (PRODUCT.md §7), as plain predicates.

Seeing a question is ``Question.objects.visible_to``. Answering is for a
champion of one of the question's teams, the person the question was handed
over to (a leaving champion's successor), or an admin; nobody answers their
own question unless they are an admin (a champion asking is asking for
help, not answering it). Publishing an answer as FAQ is for whoever answered
it, or an admin.

Articles are written by champions and admins, in either language: the
champions are the power users who know how their colleagues work, and a
missing translation is added by whoever speaks the language.
"""

from __future__ import annotations

from help.choices import UNANSWERED, QuestionStatus
from help.models import Question


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def is_champion(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.champion_team_ids)


def can_write_articles(user) -> bool:
    """Write help articles and their translations (create, edit, publish): champions and admins."""
    return _active(user) and (user.is_mrm_admin or is_champion(user))


def can_answer_questions(user) -> bool:
    """Whether to offer the "questions to answer" inbox at all: champions, admins, and whoever a
    waiting question was handed over to."""
    if not _active(user):
        return False
    if user.is_mrm_admin or is_champion(user):
        return True
    return Question.objects.filter(assignee=user, status__in=UNANSWERED).exists()


def may_answer(user, question, team_ids) -> bool:
    """The rule without the state: admins; champions of one of ``team_ids`` or the person it was handed
    over to, if they did not ask it."""
    if not _active(user):
        return False
    if user.is_mrm_admin:
        return True
    if question.asked_by_id == user.pk:
        return False
    return question.assignee_id == user.pk or bool(user.champion_team_ids.intersection(team_ids))


def question_team_ids(question) -> frozenset[int]:
    """The question's teams (prefetched ``teams`` are used when present)."""
    return frozenset(team.pk for team in question.teams.all())


def can_answer(user, question) -> bool:
    """Answer an unanswered question: a champion of its teams (not the asker), or an admin."""
    return question.status in UNANSWERED and may_answer(user, question, question_team_ids(question))


def may_publish(user, question) -> bool:
    """The rule without the state: the person who answered, or an admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_mrm_admin or (question.answered_by_id is not None and question.answered_by_id == user.pk)


def can_publish(user, question) -> bool:
    """Publish an answered question as FAQ (once): its answerer or an admin."""
    return question.status == QuestionStatus.ANSWERED and not question.is_faq and may_publish(user, question)


def available_actions(question, user) -> dict:
    """The buttons to draw for this user on this question."""
    return {"answer": can_answer(user, question), "publish": can_publish(user, question)}
