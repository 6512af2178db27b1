"""``/api/v1/help-articles/``: each article in the reader's language, its language and its translations
(issue 14 item 4; PRODUCT.md §7, §8)."""

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from tests.help.factories import HelpArticleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/help-articles/"


@pytest.fixture
def bilingual():
    return HelpArticleFactory(
        slug="budgets",
        context_key="budgets:index",
        title="Budgets explained",
        body="Plan the **budget**.",
        ru=("Как устроены бюджеты", "Планируйте **бюджет**."),
    )


@pytest.fixture
def english_only():
    return HelpArticleFactory(slug="calendar", title="The calendar", body="Embed it.")


def by_slug(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["slug"]: row for row in response.json()["results"]}


def test_an_article_comes_in_the_readers_language_with_its_translations(api_as, asker, bilingual):
    asker.language = "ru"
    asker.save(update_fields=["language"])
    row = by_slug(api_as(asker).get(URL))["budgets"]
    assert row == {
        "id": bilingual.pk,
        "slug": "budgets",
        "url": "/help/budgets/",
        "context_key": "budgets:index",
        "published": True,
        "language": "ru",
        "requested_language": "ru",
        "is_fallback": False,
        "title": "Как устроены бюджеты",
        "body": "Планируйте **бюджет**.",
        "body_html": "<p>Планируйте <strong>бюджет</strong>.</p>",
        "updated_at": row["updated_at"],
        "available_languages": ["en", "ru"],
        "translations": [
            {"language": "en", "title": "Budgets explained", "updated_at": row["translations"][0]["updated_at"]},
            {"language": "ru", "title": "Как устроены бюджеты", "updated_at": row["updated_at"]},
        ],
    }


def test_lang_chooses_another_version_and_an_untranslated_one_says_so(api_as, asker, bilingual, english_only):
    api = api_as(asker)
    english = by_slug(api.get(URL, {"lang": "en"}))
    assert english["budgets"]["title"] == "Budgets explained" and english["budgets"]["language"] == "en"
    russian = by_slug(api.get(URL, {"lang": "ru"}))
    assert (russian["calendar"]["language"], russian["calendar"]["requested_language"]) == ("en", "ru")
    assert russian["calendar"]["is_fallback"] is True and russian["calendar"]["available_languages"] == ["en"]
    detail = api.get(f"{URL}{bilingual.pk}/", {"lang": "ru"}).json()
    assert detail["title"] == "Как устроены бюджеты"


def test_a_token_client_reads_in_the_users_saved_language(asker, bilingual):
    # the language middleware does not see a token user as signed in: the saved language still counts
    asker.language = "ru"
    asker.save(update_fields=["language"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=asker).key}")
    assert by_slug(client.get(URL))["budgets"]["language"] == "ru"
    # and without a saved language, Accept-Language decides
    asker.language = ""
    asker.save(update_fields=["language"])
    assert by_slug(client.get(URL, headers={"accept-language": "ru"}))["budgets"]["language"] == "ru"
    assert by_slug(client.get(URL, headers={"accept-language": "en"}))["budgets"]["language"] == "en"


def test_filters_page_missing_language_and_search(api_as, champion, bilingual, english_only):
    api = api_as(champion)
    assert set(by_slug(api.get(URL, {"context_key": "budgets:index"}))) == {"budgets"}
    assert set(by_slug(api.get(URL, {"missing": "ru"}))) == {"calendar"}
    assert set(by_slug(api.get(URL, {"missing": "en"}))) == set()
    assert set(by_slug(api.get(URL, {"q": "БЮДЖЕТ", "lang": "ru"}))) == {"budgets"}
    assert set(by_slug(api.get(URL, {"q": "budget", "lang": "ru"}))) == set()  # the Russian version is searched
    assert set(by_slug(api.get(URL, {"q": "embed", "lang": "ru"}))) == {"calendar"}  # untranslated: its English
    assert api.get(URL, {"missing": "de"}).status_code == 400


def test_drafts_are_for_champions_and_admins(api_as, asker, champion, admin_user):
    draft = HelpArticleFactory(slug="draft", published=False)
    assert "draft" not in by_slug(api_as(asker).get(URL))
    assert api_as(asker).get(f"{URL}{draft.pk}/").status_code == 404
    assert "draft" in by_slug(api_as(champion).get(URL))
    assert "draft" in by_slug(api_as(admin_user).get(URL))


def test_anonymous_is_refused(api_client, bilingual):
    assert api_client.get(URL).status_code == 401


def test_the_article_list_has_no_n_plus_1(assert_constant_queries, api_as, asker):
    client = api_as(asker)
    assert_constant_queries(
        lambda: client.get("/api/v1/help-articles/?page_size=100"),
        lambda: HelpArticleFactory(ru=("Статья", "Текст")),
    )
