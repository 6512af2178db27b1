"""Signals only refresh derived data here: the cached page → article map (help.pages)."""

from __future__ import annotations

import contextlib

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save

from help import pages


def _refresh_on_commit(sender, **kwargs):
    """Rebuild the map at once (pages never find it missing) and again after commit.

    The immediate rebuild reads the transaction's own data; the one after
    commit is what other processes keep. A page never pays for a missing map.
    """
    pages.refresh_page_articles()
    transaction.on_commit(pages.refresh_page_articles)


def refresh_after_migrate(sender, **kwargs):
    with contextlib.suppress(DatabaseError):  # the table is not there (migrating backwards)
        pages.refresh_page_articles()


def connect() -> None:
    from help.models import HelpArticle, HelpArticleTranslation

    post_save.connect(_refresh_on_commit, sender=HelpArticle, dispatch_uid="help.article_saved")
    post_delete.connect(_refresh_on_commit, sender=HelpArticle, dispatch_uid="help.article_deleted")
    # the map holds the titles of every language version
    post_save.connect(_refresh_on_commit, sender=HelpArticleTranslation, dispatch_uid="help.translation_saved")
    post_delete.connect(_refresh_on_commit, sender=HelpArticleTranslation, dispatch_uid="help.translation_deleted")
