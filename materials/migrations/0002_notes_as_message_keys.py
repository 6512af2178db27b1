"""Handover reasons in the history of materials become message keys, read in the reader's language."""

from django.db import migrations

from mrm.messages import restore_notes_as_text, rewrite_legacy_notes

HANDOVER = {"accounts.note.handover_from": ["Handover from %(user)s", "Передано от пользователя %(user)s"]}


def forwards(apps, schema_editor):
    HistoricalMaterial = apps.get_model("materials", "HistoricalMaterial")
    rewrite_legacy_notes(HistoricalMaterial.objects.all(), "history_change_reason", HANDOVER, limit=100)


def backwards(apps, schema_editor):
    HistoricalMaterial = apps.get_model("materials", "HistoricalMaterial")
    restore_notes_as_text(HistoricalMaterial.objects.all(), "history_change_reason", limit=100)


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
