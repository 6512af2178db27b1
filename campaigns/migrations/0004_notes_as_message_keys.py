"""Notes the system wrote on campaigns become message keys, read in the reader's language.

An approved launch wrote "Launch approved (approval request #12)." into the
campaign's transitions and history, a handover "Handover from …" into the
history, each in the language of the moment. Both become keys
(``mrm.messages.note``); what people wrote stays as it is.
"""

from django.db import migrations

from mrm.messages import restore_notes_as_text, rewrite_legacy_notes

LAUNCH = {
    "campaigns.note.launch_approved": [
        "Launch approved (approval request #%(id)s).",
        "Запуск согласован (заявка на согласование №%(id)s).",
    ]
}
HANDOVER = {"accounts.note.handover_from": ["Handover from %(user)s", "Передано от пользователя %(user)s"]}


def forwards(apps, schema_editor):
    CampaignTransition = apps.get_model("campaigns", "CampaignTransition")
    rewrite_legacy_notes(CampaignTransition.objects.all(), "note", LAUNCH)
    HistoricalCampaign = apps.get_model("campaigns", "HistoricalCampaign")
    rewrite_legacy_notes(HistoricalCampaign.objects.all(), "history_change_reason", {**LAUNCH, **HANDOVER}, limit=100)


def backwards(apps, schema_editor):
    CampaignTransition = apps.get_model("campaigns", "CampaignTransition")
    restore_notes_as_text(CampaignTransition.objects.all(), "note")
    HistoricalCampaign = apps.get_model("campaigns", "HistoricalCampaign")
    restore_notes_as_text(HistoricalCampaign.objects.all(), "history_change_reason", limit=100)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_campaign_channels_history")]

    operations = [migrations.RunPython(forwards, backwards)]
