"""Reads of help that are more than a queryset method: search and the champions' figures.

``champion_answer_stats`` and ``questions_answered_by_role`` are also what the
adoption dashboard (PRODUCT.md §7) shows, so they take no request and return
plain data.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from accounts.models import Membership, User
from help.choices import AnswererRole, QuestionStatus
from help.models import HelpArticle, LocalizedArticle, Question

SEARCH_LIMIT = 30


def _localized(articles, language: str) -> list[LocalizedArticle]:
    shown = [article.localized(language) for article in articles]
    return sorted((item for item in shown if item is not None), key=lambda item: item.title.casefold())


def articles_for(user, language: str) -> list[LocalizedArticle]:
    """Every article the user may read, each in his language or its fallback, by title; two queries."""
    return _localized(HelpArticle.objects.visible_to(user).with_translations().order_by("slug"), language)


@dataclass(frozen=True)
class SearchResults:
    query: str
    articles: list
    questions: list

    @property
    def count(self) -> int:
        return len(self.articles) + len(self.questions)


def help_search(user, text: str, language: str) -> SearchResults:
    """Articles (in the reader's language, or their fallback) and published FAQ matching the text; three queries."""
    text = (text or "").strip()[:200]
    articles = _localized(
        HelpArticle.objects.visible_to(user).search(text, language).with_translations().order_by("slug")[:SEARCH_LIMIT],
        language,
    )
    questions = list(
        Question.objects.visible_to(user)
        .faq()
        .search(text)
        .with_list_data()
        .order_by("-published_at", "-pk")[:SEARCH_LIMIT]
    )
    return SearchResults(query=text, articles=articles, questions=questions)


@dataclass(frozen=True)
class ChampionStats:
    user: User
    teams: list[str]
    answers: int
    median_time_to_answer: dt.timedelta | None

    @property
    def median_hours(self) -> float | None:
        if self.median_time_to_answer is None:
            return None
        return round(self.median_time_to_answer.total_seconds() / 3600, 1)


def champion_answer_stats(*, since: dt.datetime | None = None) -> list[ChampionStats]:
    """Per champion (a user flagged champion of any team): answers given and median time to answer.

    Three queries whatever the number of champions: the champions with their
    answer counts (counted in SQL), their teams, and the durations of the
    answers (the median is taken in Python over that one list).
    """
    answered = Q(help_answers__status=QuestionStatus.ANSWERED)
    if since is not None:
        answered &= Q(help_answers__answered_at__gte=since)
    champions = list(
        User.objects.filter(is_active=True, memberships__is_champion=True)
        .distinct()
        .annotate(answer_count=Count("help_answers", filter=answered, distinct=True))
        .order_by("-answer_count", "username")
    )
    ids = [user.pk for user in champions]
    teams: dict[int, list[str]] = {}
    for user_id, name in (
        Membership.objects.filter(user_id__in=ids, is_champion=True)
        .order_by("team__name")
        .values_list("user_id", "team__name")
    ):
        teams.setdefault(user_id, []).append(name)
    durations: dict[int, list[dt.timedelta]] = {}
    answers = Question.objects.filter(answered_by_id__in=ids, status=QuestionStatus.ANSWERED)
    if since is not None:
        answers = answers.filter(answered_at__gte=since)
    for user_id, duration in answers.annotate(
        duration=ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    ).values_list("answered_by_id", "duration"):
        durations.setdefault(user_id, []).append(duration)
    return [
        ChampionStats(
            user=user,
            teams=teams.get(user.pk, []),
            answers=user.answer_count,
            median_time_to_answer=statistics.median(durations[user.pk]) if durations.get(user.pk) else None,
        )
        for user in champions
    ]


def questions_answered_by_role(since: dt.datetime | None = None) -> dict[str, int]:
    """How many questions champions and admins answered (since a moment): ``{"champions", "admins", "total"}``.

    The share answered by champions is the measure of §1's "admins flooded
    with questions power users could answer". Counted in SQL, one query.
    """
    answers = Question.objects.filter(status=QuestionStatus.ANSWERED)
    if since is not None:
        answers = answers.filter(answered_at__gte=since)
    counts = answers.aggregate(
        champions=Count("pk", filter=Q(answered_as=AnswererRole.CHAMPION)),
        admins=Count("pk", filter=Q(answered_as=AnswererRole.ADMIN)),
        total=Count("pk"),
    )
    return {key: counts[key] or 0 for key in ("champions", "admins", "total")}


def question_counts_for(user) -> dict[str, int]:
    """Numbers for the help pages' tabs: my open questions and questions waiting on me."""
    mine = Question.objects.filter(asked_by=user).exclude(status=QuestionStatus.ANSWERED).count()
    to_answer = Question.objects.to_answer_by(user).count()
    return {"mine_open": mine, "to_answer": to_answer}
