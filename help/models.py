"""Help articles and questions to champions (PRODUCT.md §7).

A :class:`HelpArticle` is Markdown written by champions and admins, linked to
the page it helps with by ``context_key`` (the page's URL name, e.g.
``campaigns:list``), with one :class:`HelpArticleTranslation` per language
(English, Russian): a reader gets his language, or the other with a note.
A :class:`Question` is asked from a page, reaches the champions of the
asker's teams first, escalates to admins when nobody answers in time, and
once answered may be published as FAQ. A handover may name a question's
``assignee`` (the leaving champion's successor). Writes go through ``help.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from help.choices import STATUS_BADGE, AnswererRole, QuestionStatus
from help.languages import fallback_order, language_name, reader_language, search_text
from help.pages import known_page_names
from help.querysets import HelpArticleQuerySet, QuestionQuerySet
from help.rendering import render_markdown

#: Slugs that would shadow the help section's own pages.
RESERVED_SLUGS = frozenset({"questions", "champions", "search"})


class HelpArticle(models.Model):
    """One article, whatever its language: its address, the page it helps with, and whether it is published.

    Its text lives in one :class:`HelpArticleTranslation` per language; a
    reader gets his language's variant, or the other one with a note.
    """

    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("The article's address: /help/<slug>/.")
    )
    context_key = models.CharField(
        _("page"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_(
            "The URL name of the page this article helps with, e.g. campaigns:list or dashboard; "
            "that page then links to it as its help."
        ),
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HelpArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        shown = self.variant(get_language())
        return shown.title if shown else self.slug

    def get_absolute_url(self) -> str:
        return reverse("help:article", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is taken by the help pages; choose another.")})
        if self.context_key and self.context_key not in known_page_names():
            raise ValidationError(
                {
                    "context_key": _("No page is named %(name)s; use a URL name such as campaigns:list.")
                    % {"name": self.context_key}
                }
            )

    @property
    def variants(self) -> dict[str, HelpArticleTranslation]:
        """``{language: variant}`` from the prefetched ``translations`` (one query when not prefetched)."""
        return {variant.language: variant for variant in self.translations.all()}

    @property
    def languages(self) -> list[str]:
        """The languages this article is written in, in the order of ``settings.LANGUAGES``."""
        written = self.variants
        return [code for code, _name in settings.LANGUAGES if code in written]

    @property
    def missing_languages(self) -> list[str]:
        written = self.variants
        return [code for code, _name in settings.LANGUAGES if code not in written]

    def variant(self, language: str | None) -> HelpArticleTranslation | None:
        """The variant for a reader of ``language``: his own, else the fallback (None for an empty article)."""
        written = self.variants
        return next((written[code] for code in fallback_order(language or "") if code in written), None)

    def localized(self, language: str | None) -> LocalizedArticle | None:
        shown = self.variant(language)
        if shown is None:
            return None
        return LocalizedArticle(article=self, variant=shown, requested=reader_language(language))


class HelpArticleTranslation(models.Model):
    """The text of an article in one language; champions and admins write each language."""

    article = models.ForeignKey(
        HelpArticle, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), help_text=_("Markdown; HTML is reduced to a safe subset."))
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["article", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="help_translation_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.title, self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"title", "body"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def language_name(self) -> str:
        return language_name(self.language)


@dataclass(frozen=True)
class LocalizedArticle:
    """An article as one reader gets it: the variant in his language, or the fallback variant and a note."""

    article: HelpArticle
    variant: HelpArticleTranslation
    requested: str

    @property
    def language(self) -> str:
        return self.variant.language

    @property
    def is_fallback(self) -> bool:
        return self.variant.language != self.requested

    @property
    def requested_language_name(self) -> str:
        return language_name(self.requested)

    @property
    def language_name(self) -> str:
        return language_name(self.variant.language)

    @property
    def title(self) -> str:
        return self.variant.title

    @property
    def body_html(self):
        return self.variant.body_html

    @property
    def slug(self) -> str:
        return self.article.slug

    @property
    def published(self) -> bool:
        return self.article.published

    @property
    def updated_at(self):
        return self.variant.updated_at

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url()

    @property
    def other_variants(self) -> list[HelpArticleTranslation]:
        """The same article in the other languages it is written in (to switch to)."""
        return [variant for variant in self.article.translations.all() if variant.language != self.language]


class Question(models.Model):
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="help_questions", verbose_name=_("asked by")
    )
    body = models.TextField(_("question"))
    page_url = models.CharField(_("asked from (address)"), max_length=500, blank=True)
    page_view_name = models.CharField(_("asked from (page)"), max_length=120, blank=True, db_index=True)
    page_title = models.CharField(_("asked from (title)"), max_length=200, blank=True)
    teams = models.ManyToManyField(
        "accounts.Team",
        related_name="help_questions",
        blank=True,
        verbose_name=_("teams"),
        help_text=_("The asker's teams when the question was asked: their champions answer it."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN, editable=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_assigned_questions",
        verbose_name=_("handed over to"),
        editable=False,
        help_text=_(
            "Set when a champion's work is handed over: this person answers the question, "
            "as the champions of its teams still may."
        ),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_answers",
        verbose_name=_("answered by"),
        editable=False,
    )
    answered_as = models.CharField(
        _("answered as"), max_length=16, choices=AnswererRole.choices, blank=True, editable=False
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    is_faq = models.BooleanField(_("published as FAQ"), default=False, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["status", "created_at"], name="help_question_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_faq=False) | Q(status=QuestionStatus.ANSWERED), name="help_question_faq_is_answered"
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.ANSWERED) | Q(answered_at__isnull=False),
                name="help_question_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse("help:question", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "bg-secondary-lt")

    @property
    def is_answered(self) -> bool:
        return self.status == QuestionStatus.ANSWERED

    @property
    def answer_html(self):
        return render_markdown(self.answer)
