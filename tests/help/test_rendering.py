"""Help articles and answers are Markdown, rendered and sanitised (PRODUCT.md §7)."""

import pytest

from help.rendering import render_markdown
from tests.help.factories import HelpArticleFactory


def test_markdown_is_rendered():
    html = render_markdown("## Steps\n\n1. Open **Campaigns**\n2. Click *New*\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Steps</h2>" in html
    assert "<strong>Campaigns</strong>" in html and "<em>New</em>" in html
    assert "<ol>" in html and "<table>" in html


def test_scripts_handlers_and_javascript_links_are_stripped():
    html = render_markdown(
        'Hello <script>alert("x")</script><img src="/a.png" onerror="alert(1)" alt="a"> '
        '[click](javascript:alert(1)) <a href="https://example.com" onclick="steal()">site</a>'
        '<iframe src="https://evil.example"></iframe><style>body{}</style>'
    )
    assert "<script" not in html and "alert(&quot;x&quot;)" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<style" not in html
    assert '<img src="/a.png" alt="a">' in html


def test_links_open_without_leaking_the_page():
    html = render_markdown("[MRM](https://example.com/docs)")
    assert 'rel="noopener noreferrer"' in html
    assert 'href="https://example.com/docs"' in html


@pytest.mark.django_db
def test_an_article_page_shows_the_sanitised_body(client, marketer):
    article = HelpArticleFactory(body="Hi <script>alert(1)</script> **there**")
    client.force_login(marketer)
    response = client.get(article.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>there</strong>" in content
    assert "alert(1)" not in content
