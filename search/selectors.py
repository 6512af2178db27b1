"""Global search (issue 18.4): ``search(user, q)``, grouped by type, only what the user may read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.query import SearchTerms, clean_query
from search.registry import Hit, get_provider, provider_types, providers

#: Hits per type on the overview (all types); a page of one type shows :data:`PAGE_SIZE`.
DEFAULT_LIMIT = 5
PAGE_SIZE = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one type, best first; ``has_more`` when more than these match."""

    type: str
    label: str
    hits: list[Hit]
    has_more: bool

    @property
    def best_rank(self) -> float:
        return max((hit.rank for hit in self.hits), default=0.0)


def parse_types(values: Iterable[str] | None) -> list[str] | None:
    """The types asked for (``None``: all); an unknown type is a ``ValidationError``."""
    wanted = [part.strip() for value in (values or []) for part in str(value).split(",") if part.strip()]
    if not wanted:
        return None
    known = provider_types()
    unknown = sorted({name for name in wanted if name not in known})
    if unknown:
        raise ValidationError(
            _("Unknown type %(types)s; search among: %(known)s.")
            % {"types": ", ".join(unknown), "known": ", ".join(known)},
            code="invalid_choice",
        )
    return list(dict.fromkeys(wanted))


def search(
    user, q, types: Iterable[str] | None = None, limit_per_type: int = DEFAULT_LIMIT, offset: int = 0
) -> list[SearchGroup]:
    """The hits for ``q`` that ``user`` may read, grouped by type, the group with the best hit first.

    ``q`` is cleaned by :func:`search.query.clean_query` (a ``ValidationError``
    when empty or too long). Each type is searched through its own scoped
    queryset with one query (two for vendors: commitments and expenses),
    whatever the number of hits; a type without hits is left out, so nothing
    (not even a count) tells of what the user may not read.
    """
    terms: SearchTerms = q if isinstance(q, SearchTerms) else clean_query(q)
    limit = max(1, min(int(limit_per_type), MAX_LIMIT))
    offset = max(0, int(offset))
    chosen = [get_provider(name) for name in types] if types else list(providers())
    groups = []
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return groups
    for order, provider in enumerate(chosen):
        hits, has_more = provider.find(user, terms, limit=limit, offset=offset)
        if hits:
            groups.append((order, SearchGroup(provider.type, str(provider.label), hits, has_more)))
    groups.sort(key=lambda item: (-item[1].best_rank, item[0]))
    return [group for _order, group in groups]
