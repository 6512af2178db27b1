"""Help pages: the index with search, articles in the reader's language, writing and translating articles,
asking, my questions, the champions' inbox.

Views are thin: reads go through ``visible_to`` and ``help.selectors``,
writes through ``help.services``; refusals become messages or form errors
(403/404/409 statuses), never a 500.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from help import permissions, selectors, services
from help.choices import QuestionStatus
from help.forms import AnswerForm, ArticleForm, AskForm, TranslationForm
from help.languages import language_codes, language_name, language_of
from help.models import HelpArticle, Question
from help.pages import known_page_names
from mrm.exceptions import StateConflict
from mrm.htmx import is_fragment_request

PAGE_SIZE = 25


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _tabs(request, current: str) -> dict:
    counts = selectors.question_counts_for(request.user)
    return {
        "tab": current,
        "counts": counts,
        "can_answer_questions": counts["to_answer"] > 0 or permissions.can_answer_questions(request.user),
        "can_write_articles": permissions.can_write_articles(request.user),
    }


def _article_url(slug: str, language: str) -> str:
    return reverse("help:article", args=[slug]) + "?" + urlencode({"lang": language})


@login_required
def index(request):
    """Every article in the reader's language (or its fallback), the latest FAQ, and search across both (``?q=``)."""
    query = request.GET.get("q", "").strip()[:200]
    language = language_of(request.user)
    context = _tabs(request, "index")
    if query:
        context["results"] = selectors.help_search(request.user, query, language)
    else:
        context["articles"] = selectors.articles_for(request.user, language)
        context["faq"] = list(
            Question.objects.visible_to(request.user).faq().with_list_data().order_by("-published_at", "-pk")[:20]
        )
    context["query"] = query
    return render(request, "help/index.html", context)


@login_required
def article(request, slug):
    """One article in the reader's language (``?lang=`` reads another version), rendered from Markdown and sanitised.

    An article not written in the reader's language shows its fallback version
    with a note saying so; champions and admins get the buttons to edit it and
    to add the missing translation.
    """
    item = get_object_or_404(HelpArticle.objects.visible_to(request.user).with_translations(), slug=slug)
    shown = item.localized(language_of(request.user, request.GET.get("lang")))
    if shown is None:
        raise Http404(_("This article has no text yet."))
    can_write = permissions.can_write_articles(request.user)
    context = {
        "article": shown,
        "can_write": can_write,
        "missing": [(code, language_name(code)) for code in item.missing_languages] if can_write else [],
        **_tabs(request, "index"),
    }
    return render(request, "help/article.html", context)


def _require_writer(request) -> None:
    if not permissions.can_write_articles(request.user):
        raise PermissionDenied(_("Only champions and administrators write help articles."))


def _page_names() -> list[str]:
    return sorted(known_page_names())


@login_required
def article_new(request):
    """Write a new article in one language (champions and admins)."""
    _require_writer(request)
    form = ArticleForm(request.POST or None, initial={"language": language_of(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.article_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The article was saved."))
            return HttpResponseRedirect(_article_url(created.slug, form.cleaned_data["language"]))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "page_names": _page_names(), **_tabs(request, "index")}
    return render(request, "help/article_form.html", context, status=status)


@login_required
def article_edit(request, slug, language):
    """Write one language version of an article: edit it, or add the missing translation next to the other text."""
    _require_writer(request)
    if language not in language_codes():
        raise Http404(_("No such language."))
    item = get_object_or_404(HelpArticle.objects.visible_to(request.user).with_translations(), slug=slug)
    variant = item.variants.get(language)
    source = None if variant is not None else item.variant(language)  # the text to translate from
    initial = {
        "title": variant.title if variant else "",
        "body": variant.body if variant else "",
        "context_key": item.context_key,
        "published": item.published,
        "based_on": variant.updated_at.isoformat() if variant else "",
    }
    form = TranslationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.article_translation_save(
                    article=item,
                    language=language,
                    title=data["title"],
                    body=data["body"],
                    context_key=data["context_key"],
                    published=data["published"],
                    based_on=data["based_on"],
                    by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except StateConflict as exc:
                form.add_error(None, str(exc))
                # saving again replaces the other writer's text knowingly
                form.data = form.data.copy()
                form.data["based_on"] = services.article_version_stamp(item, language)
                status = 409
            else:
                messages.success(
                    request, _("The %(language)s version was saved.") % {"language": language_name(language)}
                )
                return HttpResponseRedirect(_article_url(item.slug, language))
    context = {
        "form": form,
        "article": item,
        "variant": variant,
        "source": source,
        "language": language,
        "language_label": language_name(language),
        "page_names": _page_names(),
        **_tabs(request, "index"),
    }
    return render(request, "help/article_form.html", context, status=status)


def _safe_from(value: str) -> str:
    """The page a question is asked from: a local path only (never an open redirect)."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if not value.startswith("/") or value.startswith("//") or parts.scheme or parts.netloc or len(value) > 500:
        return ""
    return value


@login_required
def ask(request):
    """Ask a question from a page (``?from=<path>&title=<page title>``); the champions are notified.

    From any page's help menu the form opens in a dialog (htmx) so the asker stays where the question
    arose; without JavaScript it is a page of its own.
    """
    in_dialog = is_fragment_request(request)
    initial = {
        "page_url": _safe_from(request.GET.get("from", "")),
        "page_title": request.GET.get("title", "").strip()[:200],
    }
    form = AskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if question.status == QuestionStatus.OPEN:
                sent = _("Your question was sent to your team's champions.")
            else:
                sent = _("Your team has no champion yet: your question was sent to the administrators.")
            if in_dialog:
                return render(request, "help/partials/_ask_sent.html", {"question": question, "sent_message": sent})
            messages.success(request, sent)
            return HttpResponseRedirect(question.get_absolute_url())
    context = {
        "form": form,
        "page_url": _safe_from(form["page_url"].value() or ""),
        "page_title": form["page_title"].value() or "",
        "in_dialog": in_dialog,
    }
    if in_dialog:
        # htmx swaps only successful responses: a refused question comes back as the form with its errors.
        return render(request, "help/partials/_ask_form.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "help/ask.html", {**context, **_tabs(request, "ask")}, status=status)


def _question_list(request, queryset, template_tab: str, title: str):
    page = Paginator(queryset.with_list_data().order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "help/questions.html", {"page": page, "title": title, **_tabs(request, template_tab)})


@login_required
def my_questions(request):
    """The questions I asked, newest first, with their status."""
    return _question_list(request, Question.objects.filter(asked_by=request.user), "mine", _("My questions"))


@login_required
def inbox(request):
    """Questions waiting on me: my champion teams' unanswered questions (admins: all), oldest escalations too."""
    if not permissions.can_answer_questions(request.user):
        raise PermissionDenied(_("Only champions and administrators answer questions."))
    return _question_list(request, Question.objects.to_answer_by(request.user), "inbox", _("Questions to answer"))


def _visible_question(request, pk) -> Question:
    return get_object_or_404(
        Question.objects.visible_to(request.user).with_list_data().prefetch_related("teams"), pk=pk
    )


def _question_page(request, question, *, answer_form=None, status=200):
    context = {
        "question": question,
        "actions": permissions.available_actions(question, request.user),
        "answer_form": answer_form or AnswerForm(),
        "teams": list(question.teams.all()),
        **_tabs(request, ""),
    }
    return render(request, "help/question.html", context, status=status)


@login_required
def question_detail(request, pk):
    """A question with its answer, and the answer form for those who may answer it."""
    return _question_page(request, _visible_question(request, pk))


@login_required
@require_POST
def answer(request, pk):
    """Answer a question (a champion of the asker's team or an admin)."""
    question = _visible_question(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, answer_form=form, status=400)
    try:
        services.question_answer(question=question, body=form.cleaned_data["body"], by=request.user)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return _question_page(request, question, answer_form=form, status=400)
    except StateConflict as exc:
        messages.error(request, str(exc))
        return _question_page(request, question, status=409)
    messages.success(request, _("Your answer was sent to the asker."))
    return HttpResponseRedirect(question.get_absolute_url())


@login_required
@require_POST
def publish(request, pk):
    """Publish an answered question as FAQ (its answerer or an admin)."""
    question = _visible_question(request, pk)
    try:
        services.question_publish(question=question, by=request.user)
    except StateConflict as exc:
        messages.error(request, str(exc))
        return _question_page(request, question, status=409)
    messages.success(request, _("Published: everyone now finds this answer in help."))
    return HttpResponseRedirect(question.get_absolute_url())


@login_required
def champions(request):
    """Champions and how they answer: numbers of answers and median time to answer."""
    if not permissions.can_answer_questions(request.user):
        raise PermissionDenied(_("Only champions and administrators see the champions' figures."))
    context = {
        "stats": selectors.champion_answer_stats(),
        "by_role": selectors.questions_answered_by_role(),
        **_tabs(request, "champions"),
    }
    return render(request, "help/champions.html", context)
