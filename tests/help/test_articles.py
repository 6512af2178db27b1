"""Help in both languages (issue 14 item 4): a reader gets his language, or the other with a note;
champions and admins write an article in either language and add the missing translation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from help import services
from help.models import HelpArticle, HelpArticleTranslation
from help.pages import article_for_page
from mrm.exceptions import StateConflict
from tests.help.factories import HelpArticleFactory

pytestmark = pytest.mark.django_db


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def bilingual():
    return HelpArticleFactory(
        slug="budgets",
        context_key="budgets:index",
        title="Budgets explained",
        body="Plan the **budget** per team.",
        ru=("Как устроены бюджеты", "Планируйте **бюджет** по командам."),
    )


@pytest.fixture
def english_only():
    return HelpArticleFactory(slug="calendar", title="The calendar", body="Embed the **calendar** on your site.")


# --- reading ---------------------------------------------------------------------------------------


def test_each_reader_gets_the_article_in_his_language(client, asker, bilingual):
    # a reader who chose Russian in his profile
    client.force_login(speaking(asker, "ru"))
    page = client.get(bilingual.get_absolute_url()).content.decode()
    assert "Как устроены бюджеты" in page and "<strong>бюджет</strong>" in page
    assert 'lang="ru"' in page and "Budgets explained" not in page
    assert 'data-testid="article-fallback"' not in page
    # the same reader in English
    client.force_login(speaking(asker, "en"))
    page = client.get(bilingual.get_absolute_url()).content.decode()
    assert "Budgets explained" in page and "Как устроены бюджеты" not in page


def test_without_a_saved_language_the_browser_decides(client, asker, bilingual):
    client.force_login(speaking(asker, ""))
    page = client.get(bilingual.get_absolute_url(), headers={"accept-language": "ru-RU,ru;q=0.9"}).content.decode()
    assert "Как устроены бюджеты" in page


def test_an_article_not_yet_translated_falls_back_with_a_visible_note(client, asker, english_only):
    client.force_login(speaking(asker, "ru"))
    page = client.get(english_only.get_absolute_url()).content.decode()
    # the English text, marked as English, under a note in Russian naming both languages
    assert "The calendar" in page and '<article class="card" lang="en"' in page
    assert 'data-testid="article-fallback"' in page
    assert "Эта статья ещё не переведена на язык «Русский»: ниже её версия на языке «Английский»." in page


def test_the_other_language_is_one_click_away(client, asker, bilingual):
    client.force_login(speaking(asker, "ru"))
    page = client.get(bilingual.get_absolute_url()).content.decode()
    assert 'href="/help/budgets/?lang=en" hreflang="en"' in page
    english = client.get(bilingual.get_absolute_url(), {"lang": "en"}).content.decode()
    assert "Budgets explained" in english and 'data-testid="article-fallback"' not in english
    # an unknown language is no error: the reader's own
    odd = client.get(bilingual.get_absolute_url(), {"lang": "xx"}).content.decode()
    assert "Как устроены бюджеты" in odd


def test_the_index_lists_each_article_once_in_the_readers_language(client, asker, bilingual, english_only):
    client.force_login(speaking(asker, "ru"))
    page = client.get(reverse("help:index")).content.decode()
    assert page.count('data-testid="article-item"') == 2
    assert "Как устроены бюджеты" in page and "Budgets explained" not in page
    # the untranslated one is marked with its language
    assert '<a href="/help/calendar/" lang="en">The calendar</a><span class="badge bg-azure-lt"' in page
    # readers are not shown what is left to translate; nor the button to write
    assert "article-missing-translation" not in page and 'data-testid="new-article"' not in page


def test_search_looks_in_the_readers_language_then_in_the_fallback(client, asker, bilingual, english_only):
    client.force_login(speaking(asker, "ru"))
    # Cyrillic matched whatever its case, on every database
    found = client.get(reverse("help:index"), {"q": "БЮДЖЕТ"}).content.decode()
    assert "Как устроены бюджеты" in found
    # an article written in Russian is searched in Russian only; an untranslated one in English
    assert "Как устроены бюджеты" not in client.get(reverse("help:index"), {"q": "team"}).content.decode()
    assert "The calendar" in client.get(reverse("help:index"), {"q": "embed"}).content.decode()
    # English readers search the English versions
    client.force_login(speaking(asker, "en"))
    assert "Budgets explained" in client.get(reverse("help:index"), {"q": "per team"}).content.decode()
    assert "Nothing found" in client.get(reverse("help:index"), {"q": "бюджет"}).content.decode()


def test_the_page_help_link_carries_the_title_in_each_language(bilingual, english_only):
    HelpArticleFactory(slug="cal", context_key="campaigns:calendar", title="Calendar help")
    assert article_for_page("budgets:index", "ru") == ("budgets", "Как устроены бюджеты")
    assert article_for_page("budgets:index", "en") == ("budgets", "Budgets explained")
    assert article_for_page("campaigns:calendar", "ru") == ("cal", "Calendar help")  # fallback title


# --- writing ---------------------------------------------------------------------------------------


def test_a_champion_writes_a_new_article_in_russian(client, champion):
    client.force_login(speaking(champion, "ru"))
    form = client.get(reverse("help:article_new"))
    assert form.status_code == 200 and 'value="ru" selected' in form.content.decode()
    response = client.post(
        reverse("help:article_new"),
        {
            "language": "ru",
            "title": "Как закрыть кампанию",
            "slug": "closing-a-campaign",
            "context_key": "campaigns:list",
            "published": "on",
            "body": "1. Откройте кампанию.\n2. Нажмите **Завершить**.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/help/closing-a-campaign/?lang=ru"
    article = HelpArticle.objects.get(slug="closing-a-campaign")
    assert article.published and article.context_key == "campaigns:list"
    version = article.translations.get()
    assert (version.language, version.title) == ("ru", "Как закрыть кампанию")
    assert version.history.get().history_user == champion
    assert article.history.get().history_user == champion


def test_a_title_in_cyrillic_needs_an_address_in_latin_letters(client, champion):
    client.force_login(champion)
    data = {"language": "ru", "title": "Как закрыть кампанию", "body": "Текст."}
    response = client.post(reverse("help:article_new"), data)
    assert response.status_code == 400
    assert "address in Latin letters" in response.content.decode()
    # an English title makes its own address
    response = client.post(reverse("help:article_new"), {**data, "language": "en", "title": "Closing a campaign"})
    assert response["Location"] == "/help/closing-a-campaign/?lang=en"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("slug", "questions", "taken by the help pages"),
        ("slug", "budgets", "Another article has this address"),
        ("context_key", "campaigns:nowhere", "No page is named campaigns:nowhere"),
        ("title", "", "This field is required"),
        ("language", "de", "Select a valid choice"),
    ],
)
def test_a_bad_new_article_is_refused_with_a_clear_error(client, champion, bilingual, field, value, error):
    client.force_login(champion)
    data = {"language": "en", "title": "A title", "slug": "a-title", "body": "Text.", field: value}
    response = client.post(reverse("help:article_new"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not HelpArticle.objects.filter(slug="a-title").exists()


def test_a_champion_adds_the_missing_translation_next_to_the_original(client, champion, english_only):
    client.force_login(champion)
    # the article shows the writer what is missing
    page = client.get(english_only.get_absolute_url()).content.decode()
    add = reverse("help:article_edit", args=["calendar", "ru"])
    assert f'href="{add}" data-testid="add-translation"' in page
    # the form shows the English text to translate
    form = client.get(add).content.decode()
    assert 'data-testid="translation-source"' in form and "Embed the **calendar** on your site." in form
    response = client.post(
        add,
        {
            "title": "Календарь",
            "body": "Встройте **календарь** на свой сайт.",
            "context_key": "",
            "published": "on",
            "based_on": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/help/calendar/?lang=ru"
    assert sorted(english_only.translations.values_list("language", flat=True)) == ["en", "ru"]
    added = english_only.translations.get(language="ru")
    assert added.title == "Календарь" and added.history.get().history_user == champion
    # the English version is untouched, and nothing else changed on the article
    assert english_only.translations.get(language="en").title == "The calendar"
    assert english_only.history.count() == 1


def test_an_edit_keeps_the_other_writers_text_unless_they_saw_it(client, champion, admin_user, bilingual):
    # given the champion opened the Russian version, then an admin saved a change to it
    client.force_login(champion)
    url = reverse("help:article_edit", args=["budgets", "ru"])
    opened = client.get(url).context["form"].initial["based_on"]
    russian = bilingual.translations.get(language="ru")
    services.article_translation_save(
        article=bilingual, language="ru", title=russian.title, body="Текст администратора.", by=admin_user
    )
    # when the champion saves his text
    data = {"title": "Бюджеты", "body": "Текст чемпиона.", "context_key": "budgets:index", "published": "on"}
    conflict = client.post(url, {**data, "based_on": opened})
    # then it is a conflict that names who changed it, and nothing is overwritten
    assert conflict.status_code == 409
    assert f"{admin_user.full_name} changed the Russian version while you were writing" in conflict.content.decode()
    assert bilingual.translations.get(language="ru").body == "Текст администратора."
    # saving the form again (it now knows the current version) replaces it knowingly
    again = client.post(url, {**data, "based_on": conflict.context["form"]["based_on"].value()})
    assert again.status_code == 302
    assert bilingual.translations.get(language="ru").body == "Текст чемпиона."


def test_only_champions_and_admins_write(client, marketer, approver, bilingual):
    for user in (marketer, approver):
        client.force_login(user)
        assert client.get(reverse("help:article_new")).status_code == 403
        assert (
            client.post(reverse("help:article_new"), {"language": "en", "title": "x", "body": "x"}).status_code == 403
        )
        edit = reverse("help:article_edit", args=["budgets", "ru"])
        assert client.post(edit, {"title": "x", "body": "x"}).status_code == 403
        page = client.get(bilingual.get_absolute_url()).content.decode()
        assert 'data-testid="article-writer-actions"' not in page
    assert bilingual.translations.get(language="ru").title == "Как устроены бюджеты"


def test_writers_see_drafts_readers_do_not(client, champion, asker):
    draft = HelpArticleFactory(slug="draft", title="Draft article", published=False)
    client.force_login(champion)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.force_login(asker)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_unknown_language_or_article_is_a_404(client, champion, bilingual):
    client.force_login(champion)
    assert client.get(reverse("help:article_edit", args=["budgets", "de"])).status_code == 404
    assert client.get(reverse("help:article_edit", args=["nowhere", "ru"])).status_code == 404


def test_the_services_refuse_what_the_forms_refuse(champion, asker, bilingual):
    with pytest.raises(PermissionDenied):
        services.article_create(by=asker, language="en", title="x", body="x")
    with pytest.raises(PermissionDenied):
        services.article_translation_save(article=bilingual, language="en", title="x", body="x", by=asker)
    with pytest.raises(ValidationError) as bad:
        services.article_translation_save(article=bilingual, language="de", title="x", body="x", by=champion)
    assert "language" in bad.value.message_dict
    with pytest.raises(ValidationError) as long:
        services.article_translation_save(article=bilingual, language="en", title="x", body="x" * 50001, by=champion)
    assert "body" in long.value.message_dict
    # two writers adding the same missing translation from the same blank form: the second is told
    fresh = HelpArticleFactory(slug="fresh")
    services.article_translation_save(article=fresh, language="ru", title="А", body="а", based_on="", by=champion)
    with pytest.raises(StateConflict):
        services.article_translation_save(article=fresh, language="ru", title="Б", body="б", based_on="", by=champion)
    assert HelpArticleTranslation.objects.filter(article=fresh, language="ru").get().title == "А"


def test_changing_the_page_of_an_article_moves_its_help_link(champion, bilingual, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_translation_save(
            article=bilingual,
            language="en",
            title="Budgets explained",
            body="Plan the **budget** per team.",
            context_key="budgets:requests",
            by=champion,
        )
    assert article_for_page("budgets:index") is None
    assert article_for_page("budgets:requests", "ru") == ("budgets", "Как устроены бюджеты")
    assert bilingual.history.latest().history_user == champion
