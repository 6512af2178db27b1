"""``?lang=`` on help articles (issue 15.6): a language help is not written in is a 400, not another language."""

import pytest

from tests.help.factories import HelpArticleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/help-articles/"


@pytest.fixture
def bilingual():
    return HelpArticleFactory(
        slug="budgets", title="Budgets explained", body="Plan.", ru=("Как устроены бюджеты", "План.")
    )


@pytest.mark.parametrize("lang", ["xx", "ur", "english", "ru_RU", "ru-", " ru"])
def test_an_unknown_language_is_a_400_naming_the_languages(api_as, asker, bilingual, lang):
    for url in (URL, f"{URL}{bilingual.pk}/"):
        response = api_as(asker).get(url, {"lang": lang})
        assert response.status_code == 400, url
        [message] = response.json()["lang"]
        assert "en, ru" in message


@pytest.mark.parametrize("lang", ["ru", "RU", "ru-RU", "ru-ru"])
def test_a_language_in_any_case_or_with_a_region_is_read(api_as, asker, bilingual, lang):
    response = api_as(asker).get(f"{URL}{bilingual.pk}/", {"lang": lang})
    assert response.status_code == 200
    assert response.json()["title"] == "Как устроены бюджеты"


def test_the_schema_declares_the_languages_it_reads():
    from help.languages import is_language_tag, language_tag_pattern
    from tests.support.fuzz import openapi_document

    parameter = next(p for p in openapi_document()["paths"][URL]["get"]["parameters"] if p["name"] == "lang")
    assert parameter["schema"] == {"type": "string", "pattern": language_tag_pattern()}
    assert is_language_tag("en-GB") and not is_language_tag("de")
