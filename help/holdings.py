"""What a champion holds in help, and how a handover moves it (PRODUCT.md §7).

Registered with :mod:`accounts.holdings` in ``HelpConfig.ready()``:

- ``help.questions``: unanswered questions waiting on the user alone: handed
  over to them earlier, or asked in a team they champion where no other
  active champion of the question's teams could answer (the asker never
  answers his own question). Left behind, such a question would wait for the
  escalation to the admins. They keep the user from being deactivated.
- ``help.champion_roles``: the teams the user champions. Only a team's *only*
  active champion keeps the user from being deactivated (the team would have
  nobody to ask); a co-champion's role is still handed over, so the
  successor takes over the whole job.

Questions move before champion roles (``order``): who a question waits on is
decided while the leaving user still champions its team.

Moving a question names the new holder its ``assignee`` (they may then see
and answer it, as its teams' champions still may), in the question's history
with the admin as author; nobody takes over a question they asked. Moving a
champion role clears the leaving user's flag and flags the new holder's
membership of that team, **creating the membership** when they are not in the
team yet: they then belong to it (they see its confidential campaigns and, as
a marketer, plan for it). The handover screen says so before anything moves.
Both memberships record the change in their history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.holdings import register_holdings_provider
from accounts.messages import handover_reason
from accounts.models import Membership, Team
from help.choices import UNANSWERED
from help.messages import joined_as_champion_reason
from help.models import Question

# --- questions waiting on one person -----------------------------------------------------------


def waiting_questions():
    return Question.objects.filter(status__in=UNANSWERED)


def question_holders(scope: Q) -> dict[int, set[int]]:
    """``{question_id: user ids}``: who each unanswered question in ``scope`` waits on alone. Two queries.

    A question handed over is its assignee's. Otherwise it waits on whoever
    could answer it as a champion of its teams (not its asker): on the one
    active champion if there is exactly one, on nobody if there are several
    (any of them can answer), and, when no active champion is left, on each
    inactive one (orphaned questions, so that their handover can fix it).
    """
    questions = {
        pk: (asker, assignee)
        for pk, asker, assignee in waiting_questions()
        .filter(scope)
        .distinct()
        .values_list("pk", "asked_by_id", "assignee_id")
    }
    holders: dict[int, set[int]] = {pk: {assignee} for pk, (_asker, assignee) in questions.items() if assignee}
    unassigned = [pk for pk, (_asker, assignee) in questions.items() if not assignee]
    champions: dict[int, dict[int, bool]] = {pk: {} for pk in unassigned}
    if unassigned:
        for question_id, user_id, active in Question.teams.through.objects.filter(
            question_id__in=unassigned, team__memberships__is_champion=True
        ).values_list("question_id", "team__memberships__user_id", "team__memberships__user__is_active"):
            if user_id != questions[question_id][0]:
                champions[question_id][user_id] = active
    for pk, who in champions.items():
        active = {user_id for user_id, is_active in who.items() if is_active}
        if len(active) == 1:
            holders[pk] = active
        elif not active and who:
            holders[pk] = set(who)
    return holders


def _scope_of(user_ids: list[int]) -> Q:
    return Q(assignee_id__in=user_ids) | Q(
        assignee__isnull=True, teams__memberships__user_id__in=user_ids, teams__memberships__is_champion=True
    )


def held_questions(user) -> list[Question]:
    """The unanswered questions waiting on ``user`` alone, oldest first."""
    holders = question_holders(_scope_of([user.pk]))
    mine = [pk for pk, who in holders.items() if user.pk in who]
    return list(waiting_questions().filter(pk__in=mine).order_by("created_at", "pk"))


def count_questions(user_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for who in question_holders(_scope_of(user_ids)).values():
        for user_id in who:
            if user_id in user_ids:
                counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def reassign_questions(from_user, to_user, by) -> int:
    """Hand the questions waiting on ``from_user`` to ``to_user``, each locked and re-checked, in its history.

    Two handovers reaching the same question (two inactive champions of one
    team handed over at once) move it once: the second finds it is no longer
    waiting on its user once it gets the lock.
    """
    candidates = [question.pk for question in held_questions(from_user)]
    if not candidates:
        return 0
    locked = list(Question.objects.select_for_update().filter(pk__in=candidates, status__in=UNANSWERED).order_by("pk"))
    holders = question_holders(Q(pk__in=[question.pk for question in locked]))
    moved = 0
    for question in locked:
        if from_user.pk not in holders.get(question.pk, set()):
            continue  # answered or handed over by someone else meanwhile
        if question.asked_by_id == to_user.pk:
            raise ValidationError(
                {
                    "assignments": _(
                        "%(user)s asked “%(question)s” and cannot answer it: choose someone else for the questions."
                    )
                    % {"user": to_user.full_name, "question": question}
                }
            )
        question.assignee = to_user
        question._history_user = by
        question._change_reason = handover_reason(from_user)
        question.save(update_fields=["assignee"])
        moved += 1
    return moved


# --- champion roles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChampionRole:
    """A team the user champions, and how many other active champions it has."""

    membership: Membership
    co_champions: int

    @property
    def team(self) -> Team:
        return self.membership.team

    @property
    def is_only_champion(self) -> bool:
        return self.co_champions == 0

    def __str__(self) -> str:
        if self.is_only_champion:
            return _("%(team)s (the only champion)") % {"team": self.team.name}
        return ngettext(
            "%(team)s (with %(count)s other champion)",
            "%(team)s (with %(count)s other champions)",
            self.co_champions,
        ) % {"team": self.team.name, "count": self.co_champions}


def champion_roles(user) -> list[ChampionRole]:
    """The teams ``user`` champions, by name, each with its number of other active champions; one query."""
    others = (
        Membership.objects.filter(team=OuterRef("team"), is_champion=True, user__is_active=True)
        .exclude(user=OuterRef("user"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    memberships = (
        Membership.objects.filter(user=user, is_champion=True)
        .select_related("team")
        .annotate(co_champions=Coalesce(Subquery(others, output_field=IntegerField()), Value(0)))
        .order_by("team__name")
    )
    return [ChampionRole(membership, membership.co_champions) for membership in memberships]


def count_champion_roles(user_ids: list[int]) -> dict[int, int]:
    rows = Membership.objects.filter(user_id__in=user_ids, is_champion=True).values("user").annotate(n=Count("pk"))
    return {row["user"]: row["n"] for row in rows.order_by()}


def reassign_champion_roles(from_user, to_user, by) -> int:
    """Make ``to_user`` champion of every team ``from_user`` champions, joining a team where needed.

    The teams are locked first, so two handovers giving the same team's role
    to the same person at once never create two memberships.
    """
    team_ids = list(
        Membership.objects.filter(user=from_user, is_champion=True)
        .order_by("team_id")
        .values_list("team_id", flat=True)
    )
    if not team_ids:
        return 0
    list(Team.objects.select_for_update().filter(pk__in=team_ids).order_by("pk"))
    reason = handover_reason(from_user)
    moved = 0
    leaving = Membership.objects.select_for_update().filter(user=from_user, is_champion=True).order_by("team_id")
    for membership in leaving:
        membership.is_champion = False
        membership._history_user = by
        membership._change_reason = reason
        membership.save(update_fields=["is_champion"])
        taking = Membership.objects.select_for_update().filter(user=to_user, team_id=membership.team_id).first()
        if taking is None:
            taking = Membership(user=to_user, team_id=membership.team_id, is_champion=True)
            taking._change_reason = joined_as_champion_reason(from_user)
        elif not taking.is_champion:
            taking.is_champion = True
            taking._change_reason = reason
        else:
            moved += 1  # already a champion of this team: the role is theirs already
            continue
        taking._history_user = by
        taking.save()
        moved += 1
    for user in (from_user, to_user):
        user.__dict__.pop("champion_team_ids", None)
        user.__dict__.pop("team_ids", None)
    return moved


def register() -> None:
    register_holdings_provider(
        "help.questions",
        gettext_lazy("Questions waiting for their answer"),
        held_questions,
        reassign=reassign_questions,
        counts=count_questions,
        order=90,
        description=gettext_lazy(
            "Unanswered questions only they would answer: handed over to them, or asked in a team they alone "
            "champion. The new holder can then see and answer them (nobody takes over a question they asked)."
        ),
    )
    register_holdings_provider(
        "help.champion_roles",
        gettext_lazy("Champion roles"),
        champion_roles,
        reassign=reassign_champion_roles,
        counts=count_champion_roles,
        order=95,
        blocking=lambda role: role.is_only_champion,
        description=gettext_lazy(
            "The new holder becomes champion of each of these teams and answers its questions; other champions "
            "stay. Someone who is not a member of a team joins it, and then sees its confidential campaigns and "
            "plans for it like its other members. Only a team's only champion keeps the user from being "
            "deactivated."
        ),
    )
