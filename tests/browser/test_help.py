"""Journey (issue 8): a marketer asks a question from a campaign page; Brand's champion answers it from
the inbox and publishes it as FAQ; anyone then finds it in help search."""

import pytest
from playwright.sync_api import expect

from help.choices import QuestionStatus
from help.models import Question
from tests.campaigns.factories import CampaignFactory
from tests.help.factories import HelpArticleFactory, make_champion, team_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_question_asked_from_a_campaign_is_answered_by_the_champion_and_found_in_help(
    page, live_server, sign_in, screenshot, marketer, approver, team
):
    champion = make_champion(marketer, team)
    asker = team_member(team, "asker")
    campaign = CampaignFactory(code="BR-808", name="Autumn fair", team=team, owner=champion, sponsor=approver)
    HelpArticleFactory(title="The campaign page", slug="campaign-page", context_key="campaigns:detail")

    # the asker opens the campaign: its help is one click away, and so is "Ask a question"
    sign_in(page, asker, next_path=campaign.get_absolute_url())
    page.get_by_test_id("help-menu").click()
    expect(page.get_by_test_id("page-help")).to_have_text("Help for this page")
    page.get_by_test_id("ask-question").click()
    # the question is asked in a dialog over the campaign page, which it names
    dialog = page.get_by_role("dialog", name="Ask a question")
    expect(dialog.get_by_test_id("ask-context")).to_contain_text("BR-808 · Autumn fair")
    expect(dialog.get_by_label("Your question")).to_be_focused()
    dialog.get_by_role("button", name="Send the question").click()
    expect(dialog.get_by_role("alert")).to_be_visible()  # an empty question is refused in place
    dialog.get_by_label("Your question").fill("How do I move the fair to next quarter without losing the budget?")
    screenshot(page, "help-ask")
    dialog.get_by_role("button", name="Send the question").dblclick()  # impatient: still one question
    expect(page.get_by_test_id("ask-sent")).to_contain_text("sent to your team's champions")
    assert page.url.endswith(campaign.get_absolute_url())
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_test_id("ask-dialog")).to_be_hidden()
    page.get_by_test_id("help-menu").click()
    page.get_by_role("link", name="My questions").click()
    page.get_by_role("link", name="How do I move the fair").click()
    expect(page.get_by_test_id("question-status")).to_have_text("Waiting for a champion")
    question = Question.objects.get()
    assert question.page_url == campaign.get_absolute_url() and question.page_view_name == "campaigns:detail"

    # the champion finds it in the inbox, answers and publishes it
    page.context.clear_cookies()
    sign_in(page, champion, next_path="/help/questions/to-answer/")
    page.get_by_role("link", name="How do I move the fair").click()
    page.get_by_label("Answer").fill("Edit the dates on the campaign; the **approved funding request** stays.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_test_id("question-status")).to_have_text("Answered")
    expect(page.get_by_test_id("answer-body").locator("strong")).to_have_text("approved funding request")
    page.get_by_role("button", name="Publish as FAQ").click()
    expect(page.get_by_test_id("question-faq")).to_be_visible()
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.is_faq

    # anyone signed in finds it in help search
    page.context.clear_cookies()
    sign_in(page, approver, next_path="/help/")
    page.get_by_label("Search articles and answered questions").fill("next quarter")
    page.get_by_role("button", name="Search").click()
    result = page.get_by_test_id("result-faq")
    expect(result).to_contain_text("How do I move the fair to next quarter")
    screenshot(page, "help")
    result.get_by_role("link").click()
    expect(page.get_by_test_id("answer-body")).to_contain_text("approved funding request")


def test_a_help_article_is_read_in_russian_and_english_and_a_champion_adds_the_missing_translation(
    page, live_server, sign_in, screenshot, marketer, approver, team
):
    # given an article in both languages and one written only in English
    HelpArticleFactory(
        slug="budgets",
        title="Budgets explained",
        body="### Plan\n\nPlan the **budget** per team.",
        ru=("Как устроены бюджеты", "### План\n\nПланируйте **бюджет** по командам."),
    )
    HelpArticleFactory(slug="calendar", title="The calendar", body="Embed the **calendar** on your site.")
    approver.language = "ru"
    approver.save(update_fields=["language"])

    # a reader who chose Russian gets the Russian text, and English one click away
    sign_in(page, approver, next_path="/help/budgets/")
    article = page.get_by_test_id("help-article")
    expect(page.get_by_role("heading", name="Как устроены бюджеты")).to_be_visible()
    expect(article.locator("h3")).to_have_text("План")
    expect(article.locator("strong")).to_have_text("бюджет")
    screenshot(page, "help-article-ru")
    page.get_by_test_id("article-other-language").click()
    expect(page.get_by_role("heading", name="Budgets explained")).to_be_visible()
    expect(page.get_by_test_id("help-article").locator("strong")).to_have_text("budget")
    # an article nobody translated yet comes in English, saying so in Russian
    page.goto(f"{live_server.url}/help/calendar/")
    expect(page.get_by_test_id("article-fallback")).to_have_text(
        "Эта статья ещё не переведена на язык «Русский»: ниже её версия на языке «Английский»."
    )
    expect(page.locator("article[lang='en']")).to_contain_text("Embed the calendar on your site.")
    screenshot(page, "help-article-fallback")

    # Brand's champion, who reads English, adds the Russian version next to the English text
    champion = make_champion(marketer, team)
    page.context.clear_cookies()
    sign_in(page, champion, next_path="/help/")
    page.get_by_test_id("new-article").click()
    expect(page.get_by_role("heading", name="New help article")).to_be_visible()
    expect(page.get_by_label("Language of this text")).to_have_value("en")
    page.goto(f"{live_server.url}/help/calendar/")
    expect(page.get_by_role("heading", name="The calendar")).to_be_visible()
    page.get_by_test_id("add-translation").click()
    expect(page.get_by_test_id("translation-source")).to_contain_text("Embed the **calendar** on your site.")
    page.get_by_label("Title").fill("Календарь")
    page.get_by_label("Text").fill("Встройте **календарь** на сайт компании.")
    screenshot(page, "help-translate")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The Russian version was saved.")).to_be_visible()

    # and the Russian reader now gets it in Russian, without the note
    page.context.clear_cookies()
    sign_in(page, approver, next_path="/help/calendar/")
    expect(page.get_by_role("heading", name="Календарь")).to_be_visible()
    expect(page.get_by_test_id("help-article").locator("strong")).to_have_text("календарь")
    expect(page.get_by_test_id("article-fallback")).to_have_count(0)
