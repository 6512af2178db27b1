"""Existing help notices: questions' notices resolved once answered, answers no longer raw Markdown.

Notices of questions had no deduplication key; their link (the question's
page) and their recipient say what they are: to a champion or an admin, the
question to answer (it learns its subject and is resolved if answered); to
the asker, the answer, which gets its message key back so that it renders
as sanitised HTML in-app and plain text in e-mail, in the reader's language.
"""

from django.db import migrations
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def _name(user) -> str:
    if user is None:
        return ""
    return user.display_name or f"{user.first_name} {user.last_name}".strip() or user.username


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Question = apps.get_model("help", "Question")
    now = timezone.now()
    for question in Question.objects.select_related("answered_by").iterator():
        try:
            url = reverse("help:question", args=[question.pk])
        except NoReverseMatch:
            return
        legacy = Notification.objects.filter(message_key="", subject_key="", url=url)
        if question.status == "answered":
            legacy.filter(recipient_id=question.asked_by_id).update(
                message_key="help.answered",
                params={"name": _name(question.answered_by), "answer": question.answer},
            )
        notices = legacy.exclude(recipient_id=question.asked_by_id)
        if not notices.exists():
            continue
        notices.update(subject_key=f"help.question:{question.pk}")
        if question.status == "answered":
            Notification.objects.filter(subject_key=f"help.question:{question.pk}", resolved_at__isnull=True).update(
                resolved_at=question.answered_at or now,
                resolution_key="help.resolved.answered",
                resolution_params={"who": _name(question.answered_by)},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("help", "0001_initial"),
        ("notifications", "0002_message_keys_and_resolution"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
