"""Help pages: per-page help link, search over articles and FAQ, asking, the inbox, the champions page."""

import pytest
from django.urls import reverse

from help.choices import QuestionStatus
from help.models import Question
from tests.help.factories import HelpArticleFactory, answered, ask, published

pytestmark = pytest.mark.django_db


def test_every_page_links_to_its_help_article_or_to_help(client, marketer):
    HelpArticleFactory(title="Campaign list explained", slug="campaign-list", context_key="campaigns:list")
    HelpArticleFactory(title="Hidden", slug="hidden", context_key="approvals:inbox", published=False)
    client.force_login(marketer)
    # a page with an article shows "Help for this page"
    page = client.get(reverse("campaigns:list")).content.decode()
    assert 'data-testid="page-help"' in page and reverse("help:article", args=["campaign-list"]) in page
    # a page without one (or with a draft only) links to the help index
    other = client.get(reverse("approvals:inbox")).content.decode()
    assert 'data-testid="page-help"' not in other and 'data-testid="help-index-link"' in other
    # and the navigation has its Help entry
    assert f'href="{reverse("help:index")}"' in other


def test_the_help_link_costs_no_query_once_the_map_is_cached(client, marketer, django_assert_num_queries):
    from django.test import RequestFactory

    from help.context_processors import page_help
    from help.pages import refresh_page_articles

    HelpArticleFactory(slug="campaign-list", context_key="campaigns:list")
    refresh_page_articles()
    request = RequestFactory().get("/campaigns/")
    request.user = marketer
    from django.urls import resolve

    request.resolver_match = resolve("/campaigns/")
    with django_assert_num_queries(0):
        assert page_help(request)["page_help"]()["url"] == "/help/campaign-list/"


def test_saving_an_article_updates_the_page_map(client, marketer, django_capture_on_commit_callbacks):
    client.force_login(marketer)
    with django_capture_on_commit_callbacks(execute=True):
        article = HelpArticleFactory(slug="dash", context_key="dashboard")
    assert 'data-testid="page-help"' in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.published = False
        article.save()
    assert 'data-testid="page-help"' not in client.get("/").content.decode()


def test_search_finds_articles_and_published_faq_only(client, asker, champion):
    HelpArticleFactory(title="Funding requests", body="Ask finance for money with a **funding request**.")
    HelpArticleFactory(title="Draft funding", body="funding", published=False, slug="draft-funding")
    published(asker, champion, body="Who approves a funding request?", answer="Finance, then the CMO.")
    answered(asker, champion, body="Funding request stuck in draft?", answer="Submit it.")
    client.force_login(asker)
    page = client.get(reverse("help:index"), {"q": "funding"}).content.decode()
    assert "Funding requests" in page
    assert "Who approves a funding request?" in page
    assert "Draft funding" not in page  # unpublished article
    assert "Funding request stuck in draft?" not in page  # answered but not published


def test_nothing_found_offers_to_ask(client, marketer):
    client.force_login(marketer)
    page = client.get(reverse("help:index"), {"q": "zebra"}).content.decode()
    assert "Nothing found" in page and reverse("help:ask") in page


def test_an_unpublished_article_is_a_404_except_for_admins(client, marketer, admin_user):
    article = HelpArticleFactory(published=False)
    client.force_login(marketer)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_asking_from_a_page_records_it(client, asker, champion):
    client.force_login(asker)
    form = client.get(reverse("help:ask"), {"from": "/campaigns/", "title": "Campaigns"})
    assert form.status_code == 200 and "Campaigns" in form.content.decode()
    response = client.post(
        reverse("help:ask"), {"body": "How do I filter by team?", "page_url": "/campaigns/", "page_title": "Campaigns"}
    )
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.page_url == "/campaigns/" and question.page_view_name == "campaigns:list"
    assert question.page_title == "Campaigns" and question.asked_by == asker


def test_asking_in_the_dialog_keeps_the_asker_on_their_page(client, asker, champion):
    client.force_login(asker)
    # the dialog gets the form alone, not a page
    form = client.get(reverse("help:ask"), {"from": "/campaigns/", "title": "Campaigns"}, HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html and 'hx-post="/help/questions/ask/"' in html
    # an empty question comes back into the dialog with its error (htmx swaps only 2xx)
    refused = client.post(reverse("help:ask"), {"body": " ", "page_url": "/campaigns/"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'id="id_body-error"' in refused.content.decode()
    assert not Question.objects.exists()
    # a question is sent and the dialog says so, with a link to follow it
    sent = client.post(
        reverse("help:ask"), {"body": "Who approves PR?", "page_url": "/campaigns/"}, HTTP_HX_REQUEST="true"
    )
    question = Question.objects.get()
    html = sent.content.decode()
    assert sent.status_code == 200 and 'data-testid="ask-sent"' in html
    assert "sent to your team&#x27;s champions" in html and question.get_absolute_url() in html


def test_asking_refuses_another_sites_address_and_an_empty_question(client, asker):
    client.force_login(asker)
    form = client.get(reverse("help:ask"), {"from": "https://evil.example/"}).content.decode()
    assert 'data-testid="ask-context"' not in form and 'value="https://evil.example/"' not in form
    response = client.post(reverse("help:ask"), {"body": "", "page_url": "/"})
    assert response.status_code == 400
    response = client.post(reverse("help:ask"), {"body": "Hi", "page_url": "https://evil.example/"})
    assert response.status_code == 400 and not Question.objects.exists()


def test_the_champion_answers_and_publishes_from_the_question_page(client, asker, champion):
    question = ask(asker)
    client.force_login(champion)
    inbox = client.get(reverse("help:inbox")).content.decode()
    assert question.get_absolute_url() in inbox
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'data-testid="answer-form"' in page
    response = client.post(reverse("help:answer", args=[question.pk]), {"body": "Use the **team** filter."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert "Publish as FAQ" in client.get(question.get_absolute_url()).content.decode()
    assert client.post(reverse("help:publish", args=[question.pk])).status_code == 302
    question.refresh_from_db()
    assert question.is_faq
    # answering again is a conflict, shown on the page
    again = client.post(reverse("help:answer", args=[question.pk]), {"body": "again"})
    assert again.status_code == 409 and "already been answered" in again.content.decode()
    assert client.post(reverse("help:publish", args=[question.pk])).status_code == 409
    # an empty answer is a 400
    other = ask(asker)
    assert client.post(reverse("help:answer", args=[other.pk]), {"body": ""}).status_code == 400


def test_who_sees_a_question_page(client, asker, champion, other_champion, approver, admin_user):
    question = ask(asker)
    for user, status in ((asker, 200), (champion, 200), (admin_user, 200), (other_champion, 404), (approver, 404)):
        client.force_login(user)
        assert client.get(question.get_absolute_url()).status_code == status, user.username
    # the asker sees no answer form
    client.force_login(asker)
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'data-testid="answer-form"' not in page and 'data-testid="waiting"' in page
    assert client.post(reverse("help:answer", args=[question.pk]), {"body": "me"}).status_code == 403


def test_a_published_faq_is_readable_by_everyone_signed_in(client, asker, champion, other_team_marketer):
    question = published(asker, champion)
    client.force_login(other_team_marketer)
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200 and "Use the Export button." in page.content.decode()


def test_the_inbox_and_the_champions_page_are_for_champions_and_admins(client, asker, champion, admin_user):
    answered(asker, champion)
    client.force_login(asker)
    assert client.get(reverse("help:inbox")).status_code == 403
    assert client.get(reverse("help:champions")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("help:champions")).content.decode()
    assert champion.full_name in page and 'data-testid="answered-by-champions">1<' in page


def test_my_questions_lists_only_mine(client, asker, champion, team):
    mine = ask(asker, body="Mine")
    from tests.help.factories import team_member

    theirs = ask(team_member(team, "colleague"), body="Theirs")
    client.force_login(asker)
    page = client.get(reverse("help:questions")).content.decode()
    assert mine.get_absolute_url() in page and theirs.get_absolute_url() not in page
