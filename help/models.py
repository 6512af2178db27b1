"""Help articles and questions to champions (PRODUCT.md §7).

A :class:`HelpArticle` is Markdown written by admins, linked to the page it
helps with by ``context_key`` (the page's URL name, e.g. ``campaigns:list``).
A :class:`Question` is asked from a page, reaches the champions of the
asker's teams first, escalates to admins when nobody answers in time, and
once answered may be published as FAQ. Writes go through ``help.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from help.choices import STATUS_BADGE, AnswererRole, QuestionStatus
from help.pages import known_page_names
from help.querysets import HelpArticleQuerySet, QuestionQuerySet
from help.rendering import render_markdown

#: Slugs that would shadow the help section's own pages.
RESERVED_SLUGS = frozenset({"questions", "champions", "search"})


class HelpArticle(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("The article's address: /help/<slug>/.")
    )
    body = models.TextField(_("text (Markdown)"), help_text=_("Markdown; HTML is reduced to a safe subset."))
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
        ordering = ["title"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        return self.title

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
    def body_html(self):
        return render_markdown(self.body)


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
