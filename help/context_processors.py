"""Every page's help link: the article for this page, from the cached map (no query)."""

from functools import cache

from django.urls import reverse

from help.pages import article_for_page


def page_help(request):
    """``page_help``: a callable the template resolves to ``{"url", "title"}`` or ``None``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"page_help": None}

    @cache
    def lookup():
        match = getattr(request, "resolver_match", None)
        found = article_for_page(match.view_name if match else None)
        if found is None:
            return None
        slug, title = found
        return {"url": reverse("help:article", args=[slug]), "title": title}

    return {"page_help": lookup}
