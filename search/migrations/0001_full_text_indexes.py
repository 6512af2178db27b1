"""GIN indexes over the full-text documents search matches (PostgreSQL only; SQLite has none to make).

PostgreSQL uses an expression index only for the identical expression, so
each index is built from the same ``(field, weight)`` list and configurations
as :func:`search.matching.search_vector` (tests/search/test_indexes.py holds
the two together). Measured on 200,000 campaigns and 300,000 tasks
(docs/SEARCH.md): a selective word took 5.2 s and 2.6 s by reading every row,
0.1 s and 0.3 ms through the index. Help articles and questions are tens to
hundreds of rows: no index pays there.

Built ``CONCURRENTLY`` (outside a transaction) so that an upgrade does not
stop writes to the tables while the index is made.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIGS = ("russian", "english")

#: (app, model, index name, fields): frozen here, as a migration must be.
INDEXES = (
    (
        "campaigns",
        "campaign",
        "search_campaign_fts",
        (("name", "A"), ("code", "A"), ("tags", "B"), ("objective", "C"), ("description", "C")),
    ),
    ("campaigns", "activity", "search_activity_fts", (("name", "A"), ("location", "B"), ("description", "C"))),
    ("campaigns", "task", "search_task_fts", (("title", "A"),)),
    ("materials", "material", "search_material_fts", (("title", "A"),)),
    ("budgets", "fundingrequest", "search_fundingrequest_fts", (("number", "A"), ("justification", "B"))),
    ("budgets", "commitment", "search_commitment_fts", (("vendor", "A"), ("reference", "B"), ("note", "C"))),
    ("budgets", "expense", "search_expense_fts", (("vendor", "A"), ("reference", "B"), ("note", "C"))),
)


def vector(fields):
    result = None
    for config in CONFIGS:
        for name, weight in fields:
            part = SearchVector(name, weight=weight, config=config)
            result = part if result is None else result + part
    return result


def _each(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model_name, name, fields in INDEXES:
        yield apps.get_model(app, model_name), GinIndex(vector(fields), name=name)


def create(apps, schema_editor):
    for model, index in _each(apps, schema_editor):
        schema_editor.add_index(model, index, concurrently=True)


def drop(apps, schema_editor):
    for model, index in _each(apps, schema_editor):
        schema_editor.remove_index(model, index, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("campaigns", "0006_campaign_templates"),
        ("materials", "0002_notes_as_message_keys"),
        ("budgets", "0007_list_and_visibility_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
