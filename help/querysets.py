"""Who sees which help article and question (PRODUCT.md §2, §7).

Articles: published ones for every signed-in user, drafts for those who
write articles (champions and admins).
Questions: the asker sees their own, champions their teams' questions, the
person a question was handed over to sees it, admins all of them, and a
question published as FAQ is visible to every signed-in user.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def _writes_articles(user) -> bool:
    # as help.permissions.can_write_articles (querysets sit below permissions)
    return user.is_mrm_admin or bool(user.champion_team_ids)


class HelpArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Published articles for everyone signed in; champions and admins also see drafts (they write them)."""
        if not _signed_in(user):
            return self.none()
        if _writes_articles(user):
            return self.all()
        return self.published()

    def written(self):
        """Articles with text in at least one language (an article without any has nothing to show)."""
        from help.models import HelpArticleTranslation

        return self.filter(Exists(HelpArticleTranslation.objects.filter(article=OuterRef("pk"))))

    def missing_language(self, language: str):
        """Articles not written in ``language`` yet: what is left to translate."""
        from help.models import HelpArticleTranslation

        return self.exclude(Exists(HelpArticleTranslation.objects.filter(article=OuterRef("pk"), language=language)))

    def with_translations(self):
        """Every language version fetched up front: lists pick each reader's variant without a query per row."""
        return self.prefetch_related("translations")

    def search(self, text: str, language: str):
        """Articles whose ``language`` version matches; an article not written in it is searched in its other versions.

        So a Russian reader finds Russian articles by their Russian text, and an
        article nobody has translated yet by its English text (it is then shown
        with a note). Matching ignores case in any alphabet (``search_text``).
        """
        from help.languages import search_text
        from help.models import HelpArticleTranslation

        folded = search_text((text or "").strip())
        if not folded:
            return self
        versions = HelpArticleTranslation.objects.filter(article=OuterRef("pk"))
        in_language = versions.filter(language=language)
        matches = Q(search_text__contains=folded)
        return self.filter(
            Exists(in_language.filter(matches)) | (~Exists(in_language) & Exists(versions.filter(matches)))
        )


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own questions, the questions of the teams one champions or handed over to one, published FAQ; admins: all."""
        if not _signed_in(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        condition = Q(asked_by=user) | Q(is_faq=True) | Q(assignee=user)
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
        """Unanswered questions this user may answer: their champion teams' and those handed over to them
        (never their own); admins: all."""
        from help.choices import UNANSWERED

        unanswered = self.filter(status__in=UNANSWERED)
        if not _signed_in(user):
            return self.none()
        if user.is_mrm_admin:
            return unanswered
        condition = Q(assignee=user)
        if user.champion_team_ids:
            teams = self.model.teams.through.objects.filter(
                question_id=OuterRef("pk"), team_id__in=user.champion_team_ids
            )
            condition |= Q(Exists(teams))
        return unanswered.filter(condition).exclude(asked_by=user)

    def faq(self):
        return self.filter(is_faq=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(body__icontains=text) | Q(answer__icontains=text))

    def with_list_data(self):
        """What lists and the API show per row, fetched up front."""
        return self.select_related("asked_by", "answered_by", "assignee")
