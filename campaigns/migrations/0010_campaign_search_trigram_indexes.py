"""Trigram indexes for the campaign list's ``search`` (PostgreSQL only; SQLite has none to make).

``?search=`` matches a substring of the code, name, description, objective or
tags, case-insensitively: Django writes ``UPPER("col"::text) LIKE UPPER('%…%')``,
which no B-tree serves, so every search read all campaigns twice (the page and
its count: ~20 ms each at 10 000 campaigns). A GIN trigram index on the same
``UPPER(col)`` expression serves ``LIKE '%…%'`` (Cyrillic included); PostgreSQL
ORs the five (BitmapOr). Measured on scale 1 (docs/PERFORMANCE.md): count 32 →
2 ms, page 45 → 4 ms for "Москва" (502 of 10 018 campaigns).

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13+):
the database's owner may create it. Built ``CONCURRENTLY`` (outside a
transaction) so that an upgrade does not stop writes to campaigns.
"""

from django.db import migrations

#: The columns ``CampaignFilter.filter_search`` matches, frozen here as a migration must be.
COLUMNS = ("code", "name", "description", "objective", "tags")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_campaign_{column}_trgm "
            f'ON campaigns_campaign USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS campaigns_campaign_{column}_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("campaigns", "0009_task_checklists_dependencies")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
