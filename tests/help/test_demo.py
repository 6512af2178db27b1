"""The demo help data: articles linked to the main pages and questions in every state, safe to run again."""

import io

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from help import demo
from help.choices import QuestionStatus
from help.models import HelpArticle, Question
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
