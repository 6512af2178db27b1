"""Every write on help (PRODUCT.md §7): write articles in either language; ask, answer, publish as FAQ, escalate.

Articles are written by champions and admins: a new article in one
language, then its other language version (the missing translation) by
whoever speaks it. Writing a version locks its article, so two people adding
the same translation at once give one version and a conflict, and a writer
who opened a version before someone else saved it gets a conflict instead of
silently overwriting the other's text.

Asking notifies the champions of the asker's teams first (admins at once
when those teams have no champion). An unanswered question escalates to the
admins after ``MRM_QUESTION_ESCALATE_HOURS``, once: the row is locked and
its status checked, so two scheduler runs escalate it a single time. The
asker is told when an answer arrives. Notifications are written in the same
transaction; their e-mails leave after commit (``notifications.services``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, User
from help import messages, permissions
from help.choices import UNANSWERED, AnswererRole, QuestionStatus
from help.languages import language_codes, language_name
from help.models import HelpArticle, HelpArticleTranslation, Question
from mrm.exceptions import StateConflict
from notifications.choices import NotificationKind
from notifications.services import notifications_resolve, notify

BODY_MAX = 4000
ANSWER_MAX = 10000
PAGE_URL_MAX = 500
PAGE_TITLE_MAX = 200
ARTICLE_TITLE_MAX = 200
ARTICLE_BODY_MAX = 50000
ARTICLE_SLUG_MAX = 120


def _text(value, *, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters.") % {"limit": limit}})
    if "\x00" in text:
        raise ValidationError({field: _("Remove the null characters from the text.")})
    return text


def clean_page_url(value) -> str:
    """A path of this site (``/campaigns/12/``), never another site's address."""
    url = _text(value, field="page_url", limit=PAGE_URL_MAX)
    if not url:
        return ""
    parts = urlsplit(url)
    if (
        not url.startswith("/")
        or url.startswith("//")
        or parts.scheme
        or parts.netloc
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        raise ValidationError({"page_url": _("Give the address of an MRM page, starting with /.")})
    return url


def page_view_name(page_url: str) -> str:
    """The URL name of the page a question was asked from (``campaigns:detail``), or empty."""
    if not page_url:
        return ""
    try:
        return resolve(urlsplit(page_url).path).view_name or ""
    except (Resolver404, ValueError):
        return ""


def admins():
    """Active admins (the ``admin`` role or superusers): who escalations reach."""
    return User.objects.filter(is_active=True).filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True)).distinct()


def champions_of(team_ids) -> list:
    users = User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(team_id__in=team_ids, is_champion=True).values("user_id")
    ).order_by("pk")
    return list(users)


@transaction.atomic
def question_ask(*, by, body: str, page_url: str = "", page_title: str = "") -> Question:
    """Ask a question from a page; the champions of the asker's teams hear of it first (§7).

    The question remembers the asker's teams at that moment: their champions
    answer it even if the asker changes team later. With no champion to ask,
    it goes to the admins at once (escalated), rather than waiting for nobody.
    """
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        raise PermissionDenied(_("Sign in to ask a question."))
    url = clean_page_url(page_url)
    question = Question(
        asked_by=by,
        body=_text(body, field="body", limit=BODY_MAX, required=True),
        page_url=url,
        page_view_name=page_view_name(url),
        page_title=_text(page_title, field="page_title", limit=PAGE_TITLE_MAX),
    )
    team_ids = sorted(Membership.objects.filter(user=by).values_list("team_id", flat=True))
    champions = [user for user in champions_of(team_ids) if user.pk != by.pk]
    if not champions:
        question.status = QuestionStatus.ESCALATED
        question.escalated_at = timezone.now()
    question._history_user = by
    question.save()
    question.teams.set(team_ids)
    link = question.get_absolute_url()
    params = {"name": by.full_name, "question": question.body}
    if champions:
        notify(
            recipients=champions,
            kind=NotificationKind.OTHER,
            message=messages.ASKED,
            params=params,
            url=link,
            actor=by,
            subject_key=messages.question_key(question.pk),
        )
    else:
        notify(
            recipients=admins(),
            kind=NotificationKind.ESCALATION,
            message=messages.ASKED_NO_CHAMPION,
            params=params,
            url=link,
            actor=by,
            subject_key=messages.question_key(question.pk),
            dedupe_key=f"help-question-escalated:{question.pk}",
        )
    return question


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("asked_by").get(pk=question.pk)


@transaction.atomic
def question_answer(*, question: Question, body: str, by) -> Question:
    """Answer a question (a champion of its teams or an admin, never one's own unless admin); the asker is told.

    A question is answered once: a second answer (two champions at the same
    moment) is a conflict, the row lock makes sure only the first one wins.
    """
    text = _text(body, field="body", limit=ANSWER_MAX, required=True)
    locked = _locked(question)
    team_ids = frozenset(locked.teams.values_list("pk", flat=True))
    if not permissions.may_answer(by, locked, team_ids):
        if locked.asked_by_id == getattr(by, "pk", None):
            raise PermissionDenied(_("You cannot answer your own question; a champion of your team will."))
        raise PermissionDenied(_("Only a champion of the asker's team or an administrator can answer this question."))
    if locked.status not in UNANSWERED:
        raise StateConflict(_("This question has already been answered."))
    locked.status = QuestionStatus.ANSWERED
    locked.answer = text
    locked.answered_by = by
    answers_for_the_team = locked.assignee_id == by.pk or by.champion_team_ids.intersection(team_ids)
    locked.answered_as = AnswererRole.CHAMPION if answers_for_the_team else AnswererRole.ADMIN
    locked.answered_at = timezone.now()
    locked._history_user = by
    locked.save()
    # The other champions and the admins it was escalated to have nothing left to answer.
    notifications_resolve(
        subject_key=messages.question_key(locked.pk), reason=messages.RESOLVED_ANSWERED, params={"who": by.full_name}
    )
    notify(
        recipients=[locked.asked_by],
        kind=NotificationKind.OTHER,
        message=messages.ANSWERED,
        params={"name": by.full_name, "answer": text},
        url=locked.get_absolute_url(),
        actor=by,
    )
    return locked


@transaction.atomic
def question_publish(*, question: Question, by) -> Question:
    """Publish an answered question as FAQ (its answerer or an admin): every user can then find it in help."""
    locked = _locked(question)
    if not permissions.may_publish(by, locked):
        raise PermissionDenied(_("Only the person who answered or an administrator can publish this as FAQ."))
    if locked.status != QuestionStatus.ANSWERED:
        raise StateConflict(_("Only an answered question can be published as FAQ."))
    if locked.is_faq:
        raise StateConflict(_("This question is already published as FAQ."))
    locked.is_faq = True
    locked.published_at = timezone.now()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def question_unpublish(*, question: Question, by) -> Question:
    """Withdraw an answer from the FAQ (an admin, e.g. once it is outdated); the question stays answered."""
    locked = _locked(question)
    if not getattr(by, "is_mrm_admin", False):
        raise PermissionDenied(_("Only an administrator can withdraw an answer from the FAQ."))
    if locked.is_faq:
        locked.is_faq = False
        locked.published_at = None
        locked._history_user = by
        locked.save()
    return locked


def escalation_delay() -> dt.timedelta:
    return dt.timedelta(hours=settings.MRM_QUESTION_ESCALATE_HOURS)


def questions_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate to the admins every question left unanswered past the delay; returns how many.

    Safe to run twice, even at the same moment: each question is locked and
    re-checked (still open, never escalated) before it moves, and the
    notification carries a per-question key, so admins hear of it once.
    """
    now = now or timezone.now()
    cutoff = now - escalation_delay()
    due = list(
        Question.objects.filter(status=QuestionStatus.OPEN, escalated_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    escalated = 0
    for pk in due:
        with transaction.atomic():
            question = (
                Question.objects.select_for_update()
                .select_related("asked_by")
                .filter(pk=pk, status=QuestionStatus.OPEN, escalated_at__isnull=True)
                .first()
            )
            if question is None:
                continue
            question.status = QuestionStatus.ESCALATED
            question.escalated_at = now
            question.save(update_fields=["status", "escalated_at"])
            notify(
                recipients=admins(),
                kind=NotificationKind.ESCALATION,
                message=messages.OVERDUE,
                params={"hours": settings.MRM_QUESTION_ESCALATE_HOURS, "question": question.body},
                url=question.get_absolute_url(),
                subject_key=messages.question_key(question.pk),
                dedupe_key=f"help-question-escalated:{question.pk}",
            )
            escalated += 1
    return escalated


# --- articles ------------------------------------------------------------------------------------


def _require_writer(by) -> None:
    if not permissions.can_write_articles(by):
        raise PermissionDenied(_("Only champions and administrators write help articles."))


def _language(value) -> str:
    if value not in language_codes():
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    return value


def _version_stamp(variant: HelpArticleTranslation | None) -> str:
    """What a writer's form remembers of the version it opened: its last change, or "" for a new one."""
    return variant.updated_at.isoformat() if variant is not None else ""


def article_version_stamp(article: HelpArticle, language: str) -> str:
    return _version_stamp(HelpArticleTranslation.objects.filter(article=article, language=language).first())


def _page(value) -> str:
    return _text(value, field="context_key", limit=120)


@transaction.atomic
def article_create(
    *, by, language: str, title: str, body: str, slug: str = "", context_key: str = "", published: bool = False
) -> HelpArticle:
    """Write a new help article in one language (champions and admins); other languages are added to it later.

    The address (``slug``) is made from the title when not given; a title in
    Cyrillic makes none, and the writer is asked for one in Latin letters.
    """
    _require_writer(by)
    language = _language(language)
    title = _text(title, field="title", limit=ARTICLE_TITLE_MAX, required=True)
    body = _text(body, field="body", limit=ARTICLE_BODY_MAX, required=True)
    slug = _text(slug, field="slug", limit=ARTICLE_SLUG_MAX) or slugify(title)[:ARTICLE_SLUG_MAX].strip("-")
    if not slug:
        raise ValidationError(
            {"slug": _("Give the article an address in Latin letters, digits and hyphens, e.g. funding-requests.")}
        )
    taken = ValidationError({"slug": _("Another article has this address; choose another.")})
    if HelpArticle.objects.filter(slug=slug).exists():
        raise taken
    article = HelpArticle(slug=slug, context_key=_page(context_key), published=bool(published))
    article.full_clean()
    article._history_user = by
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as exc:  # the same address taken a moment ago
        raise taken from exc
    variant = HelpArticleTranslation(article=article, language=language, title=title, body=body)
    variant._history_user = by
    variant.save()
    return article


@transaction.atomic
def article_translation_save(
    *,
    article: HelpArticle,
    language: str,
    title: str,
    body: str,
    by,
    based_on: str | None = None,
    context_key: str | None = None,
    published: bool | None = None,
) -> HelpArticleTranslation:
    """Write an article's text in one language (champions and admins): edit that version, or add the missing one.

    ``based_on`` is the version's last change when the writer opened it (""
    when it did not exist yet): if someone saved it since, this is a conflict
    and nothing is written. ``context_key`` and ``published``, when given,
    change the article itself (the page it helps with, whether readers see it).
    """
    _require_writer(by)
    language = _language(language)
    title = _text(title, field="title", limit=ARTICLE_TITLE_MAX, required=True)
    body = _text(body, field="body", limit=ARTICLE_BODY_MAX, required=True)
    locked = HelpArticle.objects.select_for_update().get(pk=article.pk)
    variant = HelpArticleTranslation.objects.filter(article=locked, language=language).first()
    if based_on is not None and based_on != _version_stamp(variant):
        if variant is None:
            raise StateConflict(_("This version was deleted while you were writing; save again to write it anew."))
        raise StateConflict(
            _(
                "%(name)s changed the %(language)s version while you were writing. Your text is kept below: "
                "compare it with the article, then save again to replace theirs."
            )
            % {"name": _last_author(variant), "language": language_name(language)}
        )
    if variant is None:
        variant = HelpArticleTranslation(article=locked, language=language)
    variant.title, variant.body = title, body
    variant._history_user = by
    variant.save()
    changed = []
    if context_key is not None and _page(context_key) != locked.context_key:
        locked.context_key = _page(context_key)
        changed.append("context_key")
    if published is not None and bool(published) != locked.published:
        locked.published = bool(published)
        changed.append("published")
    if changed:
        locked.full_clean()
        locked._history_user = by
        locked.save()
    return variant


def _last_author(variant: HelpArticleTranslation) -> str:
    last = variant.history.select_related("history_user").first()
    author = last.history_user if last is not None else None
    return author.full_name if author is not None else _("Someone")
