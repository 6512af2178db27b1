"""Admins write help articles in the Django admin (search, filters, history)."""

import pytest
from django.core.exceptions import ValidationError

from help.models import HelpArticle
from help.pages import article_for_page
from tests.help.factories import HelpArticleFactory, answered

pytestmark = pytest.mark.django_db


def test_an_article_names_an_existing_page_and_a_free_slug():
    HelpArticle(title="ok", slug="ok", body="x", context_key="campaigns:list").full_clean()
    with pytest.raises(ValidationError) as unknown:
        HelpArticle(title="x", slug="x", body="x", context_key="campaigns:nowhere").full_clean()
    assert "context_key" in unknown.value.message_dict
    with pytest.raises(ValidationError) as taken:
        HelpArticle(title="x", slug="questions", body="x").full_clean()
    assert "slug" in taken.value.message_dict


def test_the_admin_writes_an_article_linked_to_a_page(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    assert client.get("/admin/help/helparticle/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/help/helparticle/add/",
            {
                "title": "Budgets",
                "slug": "budgets",
                "context_key": "budgets:index",
                "published": "on",
                "body": "# Budgets",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = HelpArticle.objects.get(slug="budgets")
    assert article.history.count() == 1
    assert article_for_page("budgets:index") == ("budgets", "Budgets")
    listing = client.get("/admin/help/helparticle/", {"q": "Budgets", "published__exact": "1"})
    assert listing.status_code == 200 and "budgets:index" in listing.content.decode()


def test_the_admin_reads_questions_and_withdraws_one_from_the_faq(client, admin_user, asker, champion):
    from help import services

    question = services.question_publish(question=answered(asker, champion), by=champion)
    HelpArticleFactory()
    client.force_login(admin_user)
    assert client.get("/admin/help/question/", {"q": "export"}).status_code == 200
    assert client.get(f"/admin/help/question/{question.pk}/change/").status_code == 200
    response = client.post("/admin/help/question/", {"action": "withdraw_from_faq", "_selected_action": [question.pk]})
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.is_faq
