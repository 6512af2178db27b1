"""Notes the system wrote on funding requests become message keys, read in the reader's language.

A funding request withdrawn by the stale-request job kept the approval's
note ("Withdrawn automatically: …") as text in the language of the moment;
a handover wrote "Handover from …" into the history. Both become keys
(``mrm.messages.note``); what people wrote stays as it is.
"""

from django.db import migrations

from mrm.messages import restore_notes_as_text, rewrite_legacy_notes

WITHDRAWN = {
    "approvals.note.withdrawn_unconfirmed": [
        "Withdrawn automatically: nobody confirmed it was still needed.",
        "Отозван автоматически: никто не подтвердил, что он всё ещё нужен.",
    ]
}
HANDOVER = {"accounts.note.handover_from": ["Handover from %(user)s", "Передано от пользователя %(user)s"]}


def forwards(apps, schema_editor):
    for name in ("FundingRequest", "HistoricalFundingRequest"):
        model = apps.get_model("budgets", name)
        rewrite_legacy_notes(model.objects.all(), "decision_note", WITHDRAWN)
    history = apps.get_model("budgets", "HistoricalFundingRequest")
    rewrite_legacy_notes(history.objects.all(), "history_change_reason", HANDOVER, limit=100)


def backwards(apps, schema_editor):
    for name in ("FundingRequest", "HistoricalFundingRequest"):
        model = apps.get_model("budgets", name)
        restore_notes_as_text(model.objects.all(), "decision_note")
    history = apps.get_model("budgets", "HistoricalFundingRequest")
    restore_notes_as_text(history.objects.all(), "history_change_reason", limit=100)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0003_funding_requests_and_spend")]

    operations = [migrations.RunPython(forwards, backwards)]
