"""Periods of one fiscal year never overlap, enforced by PostgreSQL itself.

An exclusion constraint over the period's date range (inclusive bounds) per
year. SQLite cannot express it; there the rule is kept by
``FiscalPeriod.clean`` inside the services, which lock the year row.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE budgets_fiscalperiod ADD CONSTRAINT budgets_fiscalperiod_no_overlap "
    "EXCLUDE USING gist (year_id WITH =, daterange(start_date, end_date, '[]') WITH &&)",
]
DROP = ["ALTER TABLE budgets_fiscalperiod DROP CONSTRAINT IF EXISTS budgets_fiscalperiod_no_overlap"]


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [PostgreSQLOnly(sql=CREATE, reverse_sql=DROP)]
