"""Who sees which help article and question (PRODUCT.md §2, §7).

Articles: published ones for every signed-in user, drafts for admins.
Questions: the asker sees their own, champions their teams' questions,
admins all of them, and a question published as FAQ is visible to every
signed-in user.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


class HelpArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Published articles for everyone signed in; admins also see drafts (to preview them)."""
        if not _signed_in(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        return self.published()

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own questions, the questions of the teams one champions, published FAQ; admins: all."""
        if not _signed_in(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        condition = Q(asked_by=user) | Q(is_faq=True)
        if user.champion_team_ids:
            condition |= Q(
                Exists(
                    self.model.teams.through.objects.filter(
                        question_id=OuterRef("pk"), team_id__in=user.champion_team_ids
                    )
                )
            )
        return self.filter(condition)

    def to_answer_by(self, user):
        """Unanswered questions this user may answer: their champion teams' (not their own); admins: all."""
        from help.choices import UNANSWERED

        unanswered = self.filter(status__in=UNANSWERED)
        if not _signed_in(user):
            return self.none()
        if user.is_mrm_admin:
            return unanswered
        if not user.champion_team_ids:
            return self.none()
        teams = self.model.teams.through.objects.filter(question_id=OuterRef("pk"), team_id__in=user.champion_team_ids)
        return unanswered.filter(Exists(teams)).exclude(asked_by=user)

    def faq(self):
        return self.filter(is_faq=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(body__icontains=text) | Q(answer__icontains=text))

    def with_list_data(self):
        """What lists and the API show per row, fetched up front."""
        return self.select_related("asked_by", "answered_by")
