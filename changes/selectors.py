"""Reads of the change request page that are more than a queryset method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import Membership
from changes.choices import AnswerStatus, ChangeStatus
from changes.models import AffectedTeam


def teams_without_speaker(change) -> list:
    """Affected teams with no active champion or lead: nobody can answer for them, so applying needs an override."""
    team_ids = [row.team_id for row in change.affected_teams.all()]
    spoken = set(
        Membership.objects.filter(team_id__in=team_ids, user__is_active=True)
        .exclude(is_champion=False, is_lead=False)
        .values_list("team_id", flat=True)
    )
    return [row.team for row in change.affected_teams.all() if row.team_id not in spoken]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: object
    what: str
    badge: str
    note: str = ""


def change_history(change) -> list[HistoryEntry]:
    """Every recorded step of the request and of its teams' answers, oldest first (simple-history rows)."""
    from changes.choices import ANSWER_BADGE, CHANGE_STATUS_BADGE

    entries: list[HistoryEntry] = []
    previous = None
    for record in change.history.select_related("history_user").order_by("history_date", "history_id"):
        confirmed = previous is not None and record.stale_confirmed_at != previous.stale_confirmed_at
        if previous is None or record.status != previous.status:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    who=record.history_user,
                    what=str(ChangeStatus(record.status).label),
                    badge=CHANGE_STATUS_BADGE.get(record.status, "bg-secondary-lt"),
                    note=record.decision_note,
                )
            )
        elif confirmed and record.stale_confirmed_at:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    who=record.history_user,
                    what=str(_("Confirmed still needed")),
                    badge="bg-blue-lt",
                    note=record.stale_confirmation,
                )
            )
        previous = record
    answers = (
        AffectedTeam.history.filter(change_request_id=change.pk, history_type="~")
        .select_related("history_user", "team")
        .order_by("history_date")
    )
    for record in answers:
        if record.status == AnswerStatus.PENDING:
            continue
        entries.append(
            HistoryEntry(
                at=record.history_date,
                who=record.history_user,
                what=f"{record.team.name}: {AnswerStatus(record.status).label}",
                badge=ANSWER_BADGE.get(record.status, "bg-secondary-lt"),
                note=record.note,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
