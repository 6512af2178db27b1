"""Existing articles (written in English) become English versions, with their history (issue 14 item 4)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("help", "0001_initial")]
AFTER = [("help", "0005_remove_article_title_body")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_articles_become_their_english_version_with_their_history(admin_user):
    # given an English article as the previous schema kept it, edited once by the admin
    old = migrate(BEFORE)
    Article = old.get_model("help", "HelpArticle")
    History = old.get_model("help", "HistoricalHelpArticle")
    written = timezone.now() - dt.timedelta(days=30)
    article = Article.objects.create(slug="budgets", title="Budgets", body="# Budgets", published=True)
    Article.objects.filter(pk=article.pk).update(created_at=written, updated_at=written)
    for kind, title, when in (("+", "Budget", written - dt.timedelta(days=1)), ("~", "Budgets", written)):
        History.objects.create(
            id=article.pk,
            slug="budgets",
            title=title,
            body="# Budgets",
            context_key="",
            published=True,
            created_at=written,
            updated_at=when,
            history_date=when,
            history_type=kind,
            history_user_id=admin_user.pk,
            history_change_reason="typo" if kind == "~" else None,
        )
    try:
        # when the migrations run
        new = migrate(AFTER)
        # then the article has its English version, as old as its text, searchable in any case
        Version = new.get_model("help", "HelpArticleTranslation")
        version = Version.objects.get(article_id=article.pk)
        assert (version.language, version.title, version.body) == ("en", "Budgets", "# Budgets")
        assert version.updated_at == written and version.search_text == "budgets # budgets"
        # and the history of its text is kept, with its authors, times and reasons
        VersionHistory = new.get_model("help", "HistoricalHelpArticleTranslation")
        rows = list(VersionHistory.objects.filter(id=version.pk).order_by("history_date"))
        assert [(r.history_type, r.title, r.history_user_id, r.history_change_reason) for r in rows] == [
            ("+", "Budget", admin_user.pk, None),
            ("~", "Budgets", admin_user.pk, "typo"),
        ]
        # backwards, the article takes its English text back
        old = migrate(BEFORE)
        assert old.get_model("help", "HelpArticle").objects.get(pk=article.pk).title == "Budgets"
    finally:
        migrate(AFTER)  # the schema of the other tests (rows are flushed after a transactional test)
