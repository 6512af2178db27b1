"""How a queryset is matched against search terms, on PostgreSQL and on SQLite.

PostgreSQL: full-text search with stemming in Russian and English. Each
searched field is turned into a ``tsvector`` twice, with the ``russian`` and
the ``english`` configuration (PostgreSQL's ``russian`` stems Cyrillic words
with the Russian stemmer, ``english`` stems Latin words with its own stop
words), the typed text becomes a ``websearch`` query in both configurations
(quotes for a phrase, ``-word`` to leave out, ``or``), and ``SearchRank``
orders the hits. Where a GIN index over the same expression exists
(:mod:`search.migrations`), PostgreSQL reads it instead of every row.

SQLite (the embedded default): no stemming; every typed word must occur in
one of the fields (``icontains``, tried as typed, lower-case and capitalised
because SQLite folds the case of ASCII letters only), and a hit in the title
field ranks above a hit elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from search.query import SearchTerms

#: The PostgreSQL text search configurations every field is indexed and searched in.
CONFIGS = ("russian", "english")

#: ``(field, weight)`` pairs: weight A for titles, B for short fields, C for long text.
Fields = Sequence[tuple[str, str]]


def is_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_vector(fields: Fields) -> SearchVector:
    """The document of a row: every field, weighted, in both configurations.

    The same expression is indexed by the GIN indexes of :mod:`search.migrations`
    (PostgreSQL uses an expression index only for the identical expression).
    """
    vector = None
    for config in CONFIGS:
        for name, weight in fields:
            part = SearchVector(name, weight=weight, config=config)
            vector = part if vector is None else vector + part
    return vector


def search_query(terms: SearchTerms) -> SearchQuery:
    query = None
    for config in CONFIGS:
        part = SearchQuery(terms.text, search_type="websearch", config=config)
        query = part if query is None else query | part
    return query


def _variants(word: str) -> set[str]:
    return {word, word.lower(), word.capitalize(), word.upper()}


def _contains(field: str, word: str) -> Q:
    condition = Q()
    for variant in _variants(word):
        condition |= Q(**{f"{field}__icontains": variant})
    return condition


def matching(queryset: QuerySet, fields: Fields, terms: SearchTerms, *, also: Q | None = None) -> QuerySet:
    """``queryset`` narrowed to the rows matching ``terms``, annotated with ``search_rank`` (higher is better).

    ``also`` is a further condition that makes a row a hit (a funding
    request's number typed in part); such a hit ranks first.
    """
    if is_postgresql(queryset):
        query = search_query(terms)
        rank = SearchRank(F("search_vector"), query)
        condition = Q(search_vector=query)
        if also is not None:
            condition |= also
            rank = rank + Case(When(also, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        return queryset.alias(search_vector=search_vector(fields)).filter(condition).annotate(search_rank=rank)
    words = terms.words or [terms.text]
    condition = Q()
    for word in words:
        in_some_field = Q()
        for name, _weight in fields:
            in_some_field |= _contains(name, word)
        condition &= in_some_field
    if also is not None:
        condition |= also
    title = fields[0][0]
    in_title = Q()
    for word in words:
        in_title &= _contains(title, word)
    rank = Case(When(in_title, then=Value(1.0)), default=Value(0.5), output_field=FloatField())
    return queryset.filter(condition).annotate(search_rank=rank)


def excerpt(text: str, terms: SearchTerms, width: int = 160) -> str:
    """A line of ``text`` around the first typed word (or its stem), for the results' context."""
    flat = " ".join((text or "").split())
    if len(flat) <= width:
        return flat
    folded = flat.casefold().replace("ё", "е")
    position = -1
    for word in terms.words:
        stem = word.casefold().replace("ё", "е")[: max(4, len(word) - 3)]
        found = folded.find(stem)
        if found >= 0 and (position < 0 or found < position):
            position = found
    start = max(0, position - width // 3) if position >= 0 else 0
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")
