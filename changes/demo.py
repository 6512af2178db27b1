"""Demo change requests (PRODUCT.md §7), safe to run again.

1. Open, on the funding workflow template: the finance controller asks for a
   legal stage above one million; the affected teams answer, one answer is
   still pending.
2. Applied, on an expense category: the marketer asks to split social media
   into paid and organic; the affected champions acknowledged and the admin
   applied it.
"""

from __future__ import annotations

from accounts.models import User
from approvals.choices import SubjectKind
from approvals.services import active_template_for
from budgets.models import ExpenseCategory
from changes import services
from changes.choices import AnswerStatus, TargetKind
from changes.models import ChangeRequest
from changes.permissions import speaking_team_ids

OPEN_WHAT = "Add a legal review stage for funding requests above 1 000 000."
APPLIED_WHAT = "Split “social media” into paid social and organic social."


def _users() -> dict:
    return {u.username: u for u in User.objects.filter(username__in=["marketer", "events", "finance", "admin"])}


def _speakers_by_team(change) -> dict:
    """One champion or lead per affected team (the demo users who speak for it)."""
    affected = {row.team_id for row in change.affected_teams.all()}
    candidates = User.objects.filter(memberships__team__in=affected)
    speakers = {}
    for user in candidates.distinct().order_by("pk"):
        for team_id in speaking_team_ids(user) & affected:
            speakers.setdefault(team_id, user)
    return speakers


def _answer_all_but(change, keep_pending: int) -> None:
    """Each speaker acknowledges for their teams, except that ``keep_pending`` teams are left waiting.

    Teams without a champion or lead wait anyway; a speaker answers for all
    of their affected teams at once, so speakers are skipped as a whole.
    """
    speakers = _speakers_by_team(change)
    rows = list(change.affected_teams.all())
    waiting = sum(1 for row in rows if row.team_id not in speakers)
    for user in dict.fromkeys(speakers.values()):
        if waiting < keep_pending:
            waiting += sum(1 for row in rows if speakers.get(row.team_id) == user)
            continue
        change.refresh_from_db()
        services.change_request_answer(
            change_request=change, by=user, answer=AnswerStatus.ACKNOWLEDGED, note="Fine for us."
        )


def seed(stdout) -> None:
    users = _users()
    template = active_template_for(SubjectKind.FUNDING_REQUEST)
    category = ExpenseCategory.objects.filter(code="MKT-DIG-SOC").first() or ExpenseCategory.objects.first()
    if not {"marketer", "finance", "admin"} <= users.keys() or template is None or category is None:
        stdout.write("  changes: skipped (needs the demo users, the funding workflow and an expense category)")
        return
    made = 0
    if not ChangeRequest.objects.filter(what=OPEN_WHAT).exists():
        change = services.change_request_create(
            by=users["finance"],
            target_kind=TargetKind.WORKFLOW_TEMPLATE,
            workflow_template=template,
            what=OPEN_WHAT,
            why="Large event contracts need the legal department's sign-off before money is committed.",
        )
        _answer_all_but(change, keep_pending=1)
        made += 1
    if not ChangeRequest.objects.filter(what=APPLIED_WHAT).exists():
        change = services.change_request_create(
            by=users["marketer"],
            target_kind=TargetKind.EXPENSE_CATEGORY,
            expense_category=category,
            what=APPLIED_WHAT,
            why="Finance's new reporting form separates paid and organic social; we cannot show ROI by either now.",
        )
        _answer_all_but(change, keep_pending=0)
        change.refresh_from_db()
        blocking = [row for row in change.affected_teams.all() if row.status != AnswerStatus.ACKNOWLEDGED]
        services.change_request_apply(
            change_request=change,
            by=users["admin"],
            note="Categories MKT-DIG-SOC-P and MKT-DIG-SOC-O added in the administration."
            + (" Applied over teams without a champion." if blocking else ""),
            override=bool(blocking),
        )
        made += 1
    stdout.write(f"  changes: {made} change requests (open on the funding workflow, applied on a category)")
