"""The GIN indexes match the expressions search queries, and PostgreSQL uses them."""

import importlib

import pytest
from django.db import connection

from search.registry import get_provider

migration = importlib.import_module("search.migrations.0001_full_text_indexes")

TYPE_OF = {
    "campaign": "campaign",
    "activity": "activity",
    "task": "task",
    "material": "material",
    "fundingrequest": "funding_request",
    "commitment": "vendor",
    "expense": "vendor",
}


def test_each_index_covers_exactly_the_fields_its_provider_matches():
    # an expression index is used only for the identical expression: a field added to a
    # provider needs a new migration with the new index
    for _app, model, _name, fields in migration.INDEXES:
        assert tuple(fields) == tuple(get_provider(TYPE_OF[model]).fields), model
    assert migration.CONFIGS == __import__("search.matching", fromlist=["CONFIGS"]).CONFIGS


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_finds_tasks_through_the_index(team, marketer):
    from search.matching import matching
    from search.query import clean_query
    from tests.campaigns.factories import TaskFactory

    TaskFactory(campaign__team=team, title="Вебинары для партнёров")
    provider = get_provider("task")
    queryset = provider.ordered(matching(provider.scoped(marketer), provider.fields, clean_query("вебинар")))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_task_fts" in plan
    assert [hit.title for hit in provider.find(marketer, clean_query("вебинар"), limit=5)[0]] == [
        "Вебинары для партнёров"
    ]
