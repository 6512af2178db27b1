"""Which help article belongs to which page: a cached map, so pages cost no query.

Every page shows a help link (``help.context_processors.page_help``). Looking
the article up per request would add a query to every page; instead the map
``context_key → (slug, {language: title})`` of published articles lives in
the cache. It is rebuilt when an article or one of its language versions is
saved or deleted (``help.signals``) and after ``migrate``; a cold cache (e.g.
a flushed Redis) costs one query, once. The link's title is the reader's
language's, or the fallback's (``help.languages.fallback_order``).
"""

from __future__ import annotations

from functools import cache as memoize

from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from help.languages import fallback_order

CACHE_KEY = "help:page-articles:v2"

PageArticles = dict[str, tuple[str, dict[str, str]]]


def build_page_articles() -> PageArticles:
    """The map from the database: the most recently updated published article per page, with its titles."""
    from help.models import HelpArticleTranslation

    rows = (
        HelpArticleTranslation.objects.filter(article__published=True)
        .exclude(article__context_key="")
        .order_by("article__context_key", "-article__updated_at", "-article_id")
        .values_list("article__context_key", "article_id", "article__slug", "language", "title")
    )
    mapping: PageArticles = {}
    chosen: dict[str, int] = {}
    for key, article_id, slug, language, title in rows:
        if chosen.setdefault(key, article_id) == article_id:
            mapping.setdefault(key, (slug, {}))[1][language] = title
    return mapping


def refresh_page_articles() -> PageArticles:
    mapping = build_page_articles()
    cache.set(CACHE_KEY, mapping, timeout=None)
    return mapping


def page_articles() -> PageArticles:
    """The cached map; built (one query) when the cache does not hold it."""
    mapping = cache.get(CACHE_KEY)
    if mapping is None:
        mapping = refresh_page_articles()
    return mapping


def article_for_page(view_name: str | None, language: str | None = None) -> tuple[str, str] | None:
    """``(slug, title)`` of the help article of a page, by its URL name, if there is one.

    The title is in ``language`` (the active language when omitted), or in the fallback language.
    """
    if not view_name:
        return None
    found = page_articles().get(view_name)
    if found is None:
        return None
    slug, titles = found
    title = next((titles[code] for code in fallback_order(language) if code in titles), slug)
    return slug, title


@memoize
def known_page_names() -> frozenset[str]:
    """Every URL name of the site, namespaced (``campaigns:list``): what ``context_key`` may name."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return frozenset(names)
