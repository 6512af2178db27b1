"""The search results page: ``/search/?q=`` (grouped by type), ``&type=`` for one type, paged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mrm.bounds import parse_id
from search.query import MAX_QUERY_LENGTH, clean_query
from search.registry import get_provider, providers
from search.selectors import DEFAULT_LIMIT, PAGE_SIZE, search


@login_required
@require_GET
def results(request):
    """Every type's best hits with a "more" link each; one type (``?type=``) page by page."""
    raw = request.GET.get("q", "")
    provider = get_provider(request.GET.get("type", ""))
    page = parse_id(request.GET.get("page")) or 1
    context = {
        "query": " ".join(raw.split())[:MAX_QUERY_LENGTH],
        "provider": provider,
        "types": [(p.type, p.label) for p in providers()],
        "groups": [],
        "error": "",
        "page": page,
        "max_length": MAX_QUERY_LENGTH,
    }
    status = 200
    if raw.strip():
        try:
            terms = clean_query(raw)
        except ValidationError as error:
            context["error"] = error.messages[0]
            status = 400
        else:
            if provider is None:
                context["groups"] = search(request.user, terms, limit_per_type=DEFAULT_LIMIT)
            else:
                page = min(page, 1000)
                context["page"] = page
                context["groups"] = search(
                    request.user, terms, types=[provider.type], limit_per_type=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
                )
            context["searched"] = True
    return render(request, "search/results.html", context, status=status)
