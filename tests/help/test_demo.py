"""The demo help data: articles linked to the main pages and questions in every state, safe to run again."""

import io
import re

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from help import demo
from help.choices import QuestionStatus
from help.models import HelpArticle, HelpArticleTranslation, Question
from help.pages import article_for_page, refresh_page_articles

pytestmark = pytest.mark.django_db


def test_the_demo_has_articles_for_the_main_pages_and_questions_in_every_state(client):
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())  # twice: nothing doubles
    refresh_page_articles()
    assert HelpArticle.objects.count() == len(demo.ARTICLES)
    for key in ("dashboard", "campaigns:list", "budgets:requests", "approvals:inbox", "materials:list"):
        assert article_for_page(key) is not None, key
        reverse(key)  # every linked page exists
    assert Question.objects.count() == len(demo.QUESTIONS)
    statuses = sorted(Question.objects.values_list("status", flat=True))
    assert statuses.count(QuestionStatus.ANSWERED) == 2
    assert QuestionStatus.OPEN in statuses and QuestionStatus.ESCALATED in statuses
    faq = Question.objects.filter(is_faq=True).select_related("answered_by")
    assert {q.answered_by.username for q in faq} == {"marketer", "admin"}
    # the FAQ is found in help search by any demo user
    client.force_login(User.objects.get(username="finance"))
    page = client.get(reverse("help:index"), {"q": "funding requests"}).content.decode()
    assert "Where do I see which funding requests" in page


def _structure(markdown: str) -> list[str]:
    """The Markdown skeleton of a text: headings, numbered and bulleted items, code spans, in order."""
    shape = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            shape.append(line.split(" ")[0])
        elif re.match(r"^\d+\. ", line):
            shape.append("1.")
        elif line.startswith("- "):
            shape.append("-")
    return shape + [f"code:{n}" for n in [len(re.findall(r"`[^`]+`", markdown))]]


def test_every_shipped_article_is_written_in_english_and_russian_with_the_same_structure():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    for article in HelpArticle.objects.prefetch_related("translations"):
        versions = {v.language: v for v in article.translations.all()}
        # every article in both languages
        assert set(versions) == {"en", "ru"}, article.slug
        english, russian = versions["en"], versions["ru"]
        # a real translation: its own title and text, in Cyrillic, with the same Markdown skeleton
        assert russian.title != english.title and re.search("[а-яё]", russian.title, re.IGNORECASE), article.slug
        assert len(re.findall("[а-яё]", russian.body, re.IGNORECASE)) > len(russian.body) / 3, article.slug
        assert _structure(russian.body) == _structure(english.body), article.slug
    assert HelpArticleTranslation.objects.count() == 2 * len(demo.ARTICLES)


def test_a_russian_reader_gets_the_demo_articles_in_russian(client):
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    refresh_page_articles()
    reader = User.objects.get(username="finance")
    reader.language = "ru"
    reader.save(update_fields=["language"])
    client.force_login(reader)
    index = client.get(reverse("help:index")).content.decode()
    assert "Как запросить деньги: заявки на финансирование" in index
    assert "Asking for money" not in index
    page = client.get(reverse("help:article", args=["funding-requests"])).content.decode()
    assert "Бюджеты → Заявки на финансирование → Запросить деньги" in page
    assert 'data-testid="article-fallback"' not in page
    assert article_for_page("budgets:requests", "ru") == (
        "funding-requests",
        "Как запросить деньги: заявки на финансирование",
    )
