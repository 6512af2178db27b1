"""Admins write help articles in the Django admin, in each language (search, filters, history)."""

import pytest
from django.core.exceptions import ValidationError

from help.models import HelpArticle
from help.pages import article_for_page
from tests.help.factories import HelpArticleFactory, answered

pytestmark = pytest.mark.django_db


def test_an_article_names_an_existing_page_and_a_free_slug():
    HelpArticle(slug="ok", context_key="campaigns:list").full_clean()
    with pytest.raises(ValidationError) as unknown:
        HelpArticle(slug="x", context_key="campaigns:nowhere").full_clean()
    assert "context_key" in unknown.value.message_dict
    with pytest.raises(ValidationError) as taken:
        HelpArticle(slug="questions").full_clean()
    assert "slug" in taken.value.message_dict


def _inline(versions, *, initial=0):
    data = {
        "translations-TOTAL_FORMS": str(len(versions)),
        "translations-INITIAL_FORMS": str(initial),
        "translations-MIN_NUM_FORMS": "1",
        "translations-MAX_NUM_FORMS": "2",
    }
    for n, (language, title, body) in enumerate(versions):
        data |= {
            f"translations-{n}-language": language,
            f"translations-{n}-title": title,
            f"translations-{n}-body": body,
        }
    return data


def test_the_admin_writes_an_article_in_both_languages_linked_to_a_page(
    client, admin_user, django_capture_on_commit_callbacks
):
    # given the admin's add form, with a blank form for each language
    client.force_login(admin_user)
    form = client.get("/admin/help/helparticle/add/").content.decode()
    assert "translations-1-title" in form and "translations-2-title" not in form
    # when the admin writes the article in English and Russian
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/help/helparticle/add/",
            {
                "slug": "budgets",
                "context_key": "budgets:index",
                "published": "on",
                **_inline([("en", "Budgets", "# Budgets"), ("ru", "Бюджеты", "# Бюджеты")]),
            },
        )
    # then it is saved with both versions, each with its history, and its page links to it in each language
    assert response.status_code == 302, response.content.decode()[:2000]
    article = HelpArticle.objects.get(slug="budgets")
    assert article.history.count() == 1
    assert {v.language: v.title for v in article.translations.all()} == {"en": "Budgets", "ru": "Бюджеты"}
    assert all(v.history.count() == 1 for v in article.translations.all())
    assert article_for_page("budgets:index", "en") == ("budgets", "Budgets")
    assert article_for_page("budgets:index", "ru") == ("budgets", "Бюджеты")
    listing = client.get("/admin/help/helparticle/", {"q": "Budgets", "published__exact": "1"})
    assert listing.status_code == 200 and "budgets:index" in listing.content.decode()


def test_the_admin_refuses_an_article_without_text_or_with_a_language_twice(client, admin_user):
    client.force_login(admin_user)
    empty = client.post("/admin/help/helparticle/add/", {"slug": "empty", **_inline([])})
    twice = client.post(
        "/admin/help/helparticle/add/", {"slug": "twice", **_inline([("en", "A", "a"), ("en", "B", "b")])}
    )
    assert empty.status_code == 200 and twice.status_code == 200  # the form again, with its errors
    assert "Please correct the duplicate data for language" in twice.content.decode()
    assert not HelpArticle.objects.filter(slug__in=["empty", "twice"]).exists()


def test_the_admin_lists_the_articles_missing_a_language(client, admin_user):
    HelpArticleFactory(slug="both", title="Both", ru=("Обе", "Текст"))
    HelpArticleFactory(slug="english-only", title="English only")
    HelpArticleFactory(slug="russian-only", title="Только по-русски", language="ru")
    client.force_login(admin_user)
    page = client.get("/admin/help/helparticle/", {"missing": "ru"}).content.decode()
    assert "english-only" in page and "russian-only" not in page and ">both<" not in page
    page = client.get("/admin/help/helparticle/", {"missing": "en"}).content.decode()
    assert "russian-only" in page and "english-only" not in page


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
