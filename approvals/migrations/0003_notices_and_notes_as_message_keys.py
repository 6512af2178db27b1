"""Existing rows of approvals speak the reader's language, and decided approvals stop counting in the bell.

1. System notes written as text become message keys (``mrm.messages.note``):
   the automatic withdrawal note, the material's "new version" reason and
   the handover reasons in the history. Anything else people wrote stays.
2. Notifications written before message keys existed are linked to what
   they ask about (their deduplication key names the stage or request):
   "waiting for your decision", reminders and comments get their key and
   parameters back, so they render in the reader's language; escalations and
   "still needed?" keep their text but learn their subject. Then every such
   notice of a stage that is closed (or that the recipient already decided)
   is resolved: the bell that showed 8 while one item waited shows 1.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from mrm.messages import restore_notes_as_text, rewrite_legacy_notes

WITHDRAWN = {
    "approvals.note.withdrawn_unconfirmed": [
        "Withdrawn automatically: nobody confirmed it was still needed.",
        "Отозван автоматически: никто не подтвердил, что он всё ещё нужен.",
    ]
}
NEW_VERSION = {
    "materials.note.new_version": [
        "New version after requested changes.",
        "Новая версия после запрошенных изменений.",
    ]
}
HANDOVER = {
    "accounts.note.handover_from": ["Handover from %(user)s", "Передано от пользователя %(user)s"],
    "accounts.note.handed_over": [
        "Approver %(old)s handed over to %(new)s",
        "Согласующий %(old)s передал этап: %(new)s",
    ],
}
HISTORY = ("HistoricalApprovalRequest", "HistoricalStageState", "HistoricalStage", "HistoricalDelegation")


def _name(user) -> str:
    """``User.full_name`` (historical models have no properties)."""
    if user is None:
        return ""
    return user.display_name or f"{user.first_name} {user.last_name}".strip() or user.username


def _id(dedupe_key: str, prefix: str):
    rest = dedupe_key[len(prefix) :].split(":")[0]
    return int(rest) if rest.isdigit() else None


def notes_forwards(apps, schema_editor):
    ApprovalRequest = apps.get_model("approvals", "ApprovalRequest")
    rewrite_legacy_notes(ApprovalRequest.objects.all(), "close_note", WITHDRAWN)
    rewrite_legacy_notes(ApprovalRequest.objects.all(), "reason", NEW_VERSION)
    HistoricalApprovalRequest = apps.get_model("approvals", "HistoricalApprovalRequest")
    rewrite_legacy_notes(HistoricalApprovalRequest.objects.all(), "close_note", WITHDRAWN)
    rewrite_legacy_notes(HistoricalApprovalRequest.objects.all(), "reason", NEW_VERSION)
    for name in HISTORY:
        model = apps.get_model("approvals", name)
        rewrite_legacy_notes(model.objects.all(), "history_change_reason", HANDOVER, limit=100)


def notes_backwards(apps, schema_editor):
    ApprovalRequest = apps.get_model("approvals", "ApprovalRequest")
    HistoricalApprovalRequest = apps.get_model("approvals", "HistoricalApprovalRequest")
    for model in (ApprovalRequest, HistoricalApprovalRequest):
        restore_notes_as_text(model.objects.all(), "close_note")
        restore_notes_as_text(model.objects.all(), "reason")
    for name in HISTORY:
        model = apps.get_model("approvals", name)
        restore_notes_as_text(model.objects.all(), "history_change_reason", limit=100)


def notifications_forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    StageState = apps.get_model("approvals", "StageState")
    ApprovalRequest = apps.get_model("approvals", "ApprovalRequest")
    Comment = apps.get_model("approvals", "Comment")
    Decision = apps.get_model("approvals", "Decision")
    legacy = Notification.objects.filter(message_key="", dedupe_key__startswith="approvals:")

    states = {}

    def state_of(pk):
        if pk not in states:
            states[pk] = (
                StageState.objects.select_related("request", "request__submitted_by").filter(pk=pk).first()
            )
        return states[pk]

    for notification in legacy.iterator():
        key = notification.dedupe_key
        changes = {}
        if key.startswith("approvals:stage-started:"):
            state = state_of(_id(key, "approvals:stage-started:"))
            if state is not None:
                request = state.request
                changes = {
                    "subject_key": f"approvals.stage:{state.pk}",
                    "message_key": "approvals.waiting",
                    "params": {
                        "subject": request.subject_title,
                        "who": _name(request.submitted_by),
                        "stage": state.name,
                        "due": state.due_at.isoformat() if state.due_at else None,
                        "amount": None if request.amount is None else str(request.amount),
                        "reason": request.reason,
                    },
                }
        elif key.startswith("approvals:reminder:"):
            state = state_of(_id(key, "approvals:reminder:"))
            if state is not None:
                changes = {
                    "subject_key": f"approvals.stage:{state.pk}",
                    "message_key": "approvals.reminder",
                    "params": {
                        "subject": state.request.subject_title,
                        "stage": state.name,
                        "due": state.due_at.isoformat() if state.due_at else None,
                    },
                }
        elif key.startswith("approvals:escalation:"):
            state_id = _id(key, "approvals:escalation:")
            if state_id is not None:
                changes = {"subject_key": f"approvals.escalation:{state_id}"}
        elif key.startswith("approvals:stale:"):
            request_id = _id(key, "approvals:stale:")
            if request_id is not None:
                changes = {"subject_key": f"approvals.request:{request_id}"}
        elif key.startswith("approvals:comment:"):
            comment = Comment.objects.select_related("request", "author").filter(
                pk=_id(key, "approvals:comment:")
            ).first()
            if comment is not None:
                changes = {
                    "message_key": "approvals.comment",
                    "params": {
                        "subject": comment.request.subject_title,
                        "who": _name(comment.author),
                        "body": comment.body,
                    },
                }
        if changes:
            Notification.objects.filter(pk=notification.pk).update(**changes)

    # Resolve what no longer waits: notices of closed stages, and those of people who already decided.
    now = timezone.now()
    open_notices = Notification.objects.filter(resolved_at__isnull=True).filter(
        Q(subject_key__startswith="approvals.stage:")
        | Q(subject_key__startswith="approvals.escalation:")
        | Q(subject_key__startswith="approvals.request:")
    )
    for notification in open_notices.iterator():
        kind, _sep, raw = notification.subject_key.partition(":")
        if not raw.isdigit():
            continue
        if kind == "approvals.request":
            request = ApprovalRequest.objects.filter(pk=int(raw)).first()
            if request is not None and request.status != "in_progress":
                Notification.objects.filter(pk=notification.pk).update(
                    resolved_at=request.closed_at or now,
                    resolution_key="approvals.resolved.closed",
                    resolution_params={"status": request.status},
                )
            continue
        state = state_of(int(raw))
        if state is None:
            continue
        if state.status != "in_progress" or state.request.status != "in_progress":
            Notification.objects.filter(pk=notification.pk).update(
                resolved_at=state.finished_at or state.request.closed_at or now,
                resolution_key="approvals.resolved.closed",
                resolution_params={"status": state.request.status},
            )
            continue
        own = Decision.objects.filter(stage_state=state, decider_id=notification.recipient_id).first()
        if kind == "approvals.stage" and own is not None:
            Notification.objects.filter(pk=notification.pk).update(
                resolved_at=own.created_at,
                resolution_key="approvals.resolved.decided",
                resolution_params={"who": _name(notification.recipient), "outcome": own.outcome},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_status_labels"),
        ("notifications", "0002_message_keys_and_resolution"),
    ]

    operations = [
        migrations.RunPython(notes_forwards, notes_backwards),
        migrations.RunPython(notifications_forwards, migrations.RunPython.noop),
    ]
