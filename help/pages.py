"""Which help article belongs to which page: a cached map, so pages cost no query.

Every page shows a help link (``help.context_processors.page_help``). Looking
the article up per request would add a query to every page; instead the map
``context_key → (slug, title)`` of published articles lives in the cache. It
is rebuilt when an article is saved or deleted (``help.signals``) and after
``migrate``; a cold cache (e.g. a flushed Redis) costs one query, once.
"""

from __future__ import annotations

from functools import cache as memoize

from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

CACHE_KEY = "help:page-articles:v1"


def build_page_articles() -> dict[str, tuple[str, str]]:
    """The map from the database: the most recently updated published article per page."""
    from help.models import HelpArticle

    rows = (
        HelpArticle.objects.published()
        .exclude(context_key="")
        .order_by("context_key", "-updated_at", "-pk")
        .values_list("context_key", "slug", "title")
    )
    mapping: dict[str, tuple[str, str]] = {}
    for key, slug, title in rows:
        mapping.setdefault(key, (slug, title))
    return mapping


def refresh_page_articles() -> dict[str, tuple[str, str]]:
    mapping = build_page_articles()
    cache.set(CACHE_KEY, mapping, timeout=None)
    return mapping


def page_articles() -> dict[str, tuple[str, str]]:
    """The cached map; built (one query) when the cache does not hold it."""
    mapping = cache.get(CACHE_KEY)
    if mapping is None:
        mapping = refresh_page_articles()
    return mapping


def article_for_page(view_name: str | None) -> tuple[str, str] | None:
    """``(slug, title)`` of the help article of a page, by its URL name, if there is one."""
    if not view_name:
        return None
    return page_articles().get(view_name)


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
