"""What global search looks through: one provider per type of result.

A provider names its type (``campaign``), its label (plural, for the group
heading), the scoped queryset it searches (always the app's own
``visible_to(user)``: search never decides who sees what), the fields it
matches and how a row reads as a hit (title, context line, snippet, link).

The built-in providers are declared in :mod:`search.providers` (search is on
the top floor: it imports the apps, no app imports it). Another top-floor
app may register its own with :func:`register` in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from search.matching import Fields, matching
from search.query import SearchTerms


@dataclass(frozen=True)
class Hit:
    """One result: what the page and the API show for it."""

    type: str
    kind: str  # the model it is (``commitment`` or ``expense`` among vendors)
    id: int
    title: str
    url: str
    context: str
    snippet: str
    rank: float


class SearchProvider:
    """One type of result. Subclasses set ``type``, ``label``, ``fields`` and implement ``scoped`` and ``hit``."""

    type: str = ""
    label = ""
    fields: Fields = ()

    def scoped(self, user) -> QuerySet:
        """Every row of this type the user may read (the app's ``visible_to``), with the joins ``hit`` reads."""
        raise NotImplementedError

    def also(self, terms: SearchTerms) -> Q | None:
        """A further condition making a row a hit (a number typed in part); ``None`` for none."""
        return None

    def hit(self, row, terms: SearchTerms) -> Hit:
        raise NotImplementedError

    def ordered(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by("-search_rank", "-pk")

    def find(self, user, terms: SearchTerms, *, limit: int, offset: int = 0) -> tuple[list[Hit], bool]:
        """The best ``limit`` hits after ``offset`` and whether there are more: one query, whatever the hits."""
        rows = list(
            self.ordered(matching(self.scoped(user), self.fields, terms, also=self.also(terms)))[
                offset : offset + limit + 1
            ]
        )
        return [self.hit(row, terms) for row in rows[:limit]], len(rows) > limit


_PROVIDERS: dict[str, SearchProvider] = {}


def register(provider: SearchProvider) -> SearchProvider:
    """Make ``provider``'s type searchable (idempotent: the same type registered again replaces it)."""
    if not provider.type:
        raise ValueError("A search provider needs a type.")
    _PROVIDERS[provider.type] = provider
    return provider


def providers() -> tuple[SearchProvider, ...]:
    """Every provider, in the order they were registered (the order of groups with equal ranks)."""
    return tuple(_PROVIDERS.values())


def provider_types() -> tuple[str, ...]:
    return tuple(_PROVIDERS)


def get_provider(type_: str) -> SearchProvider | None:
    return _PROVIDERS.get(type_)
