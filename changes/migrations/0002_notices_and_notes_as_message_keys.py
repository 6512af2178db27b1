"""Existing change-request notes and notices: read in the reader's language, resolved once closed.

1. The stale-request job's "Withdrawn automatically: …" decision note becomes
   a message key (``mrm.messages.note``); what people wrote stays.
2. Notifications written before message keys existed learn what they ask
   about from their deduplication key (the teams' "please answer", the
   administrators' "ready to apply", the requester's "still needed?"), and
   those of change requests already closed are resolved.
"""

from django.db import migrations
from django.utils import timezone

from mrm.messages import restore_notes_as_text, rewrite_legacy_notes

WITHDRAWN = {
    "changes.note.withdrawn_unconfirmed": [
        "Withdrawn automatically: nobody confirmed it was still needed.",
        "Отозван автоматически: никто не подтвердил, что он всё ещё нужен.",
    ]
}
SUBJECTS = {"changes:created:": "changes.request:", "changes:ready:": "changes.ready:", "changes:stale:": "changes.stale:"}


def _name(user) -> str:
    if user is None:
        return ""
    return user.display_name or f"{user.first_name} {user.last_name}".strip() or user.username


def notes_forwards(apps, schema_editor):
    for name in ("ChangeRequest", "HistoricalChangeRequest"):
        model = apps.get_model("changes", name)
        rewrite_legacy_notes(model.objects.all(), "decision_note", WITHDRAWN)


def notes_backwards(apps, schema_editor):
    for name in ("ChangeRequest", "HistoricalChangeRequest"):
        model = apps.get_model("changes", name)
        restore_notes_as_text(model.objects.all(), "decision_note")


def notifications_forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ChangeRequest = apps.get_model("changes", "ChangeRequest")
    now = timezone.now()
    legacy = Notification.objects.filter(message_key="", subject_key="", dedupe_key__startswith="changes:")
    for notification in legacy.iterator():
        for prefix, subject in SUBJECTS.items():
            if not notification.dedupe_key.startswith(prefix):
                continue
            raw = notification.dedupe_key[len(prefix) :].split(":")[0]
            if not raw.isdigit():
                break
            change = ChangeRequest.objects.select_related("decided_by").filter(pk=int(raw)).first()
            update = {"subject_key": f"{subject}{raw}"}
            if change is not None and change.status != "open":
                update.update(
                    resolved_at=change.decided_at or now,
                    resolution_key="changes.resolved.closed",
                    resolution_params={"status": change.status, "who": _name(change.decided_by)},
                )
            Notification.objects.filter(pk=notification.pk).update(**update)
            break


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0001_initial"),
        ("notifications", "0002_message_keys_and_resolution"),
    ]

    operations = [
        migrations.RunPython(notes_forwards, notes_backwards),
        migrations.RunPython(notifications_forwards, migrations.RunPython.noop),
    ]
