"""Who sees which change request (PRODUCT.md §2, §7).

The requester, the members of every team it affects, and administrators. A
change request outside that scope is a 404 in pages and API alike.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


class ChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requester, members of affected teams, admins."""
        if not _active(user):
            return self.none()
        if user.is_mrm_admin:
            return self.all()
        from changes.models import AffectedTeam

        of_my_teams = AffectedTeam.objects.filter(change_request=OuterRef("pk"), team_id__in=list(user.team_ids))
        return self.filter(Q(requested_by_id=user.pk) | Q(Exists(of_my_teams)))

    def affecting_teams(self, team_ids):
        """Those that affect one of these teams."""
        from changes.models import AffectedTeam

        return self.filter(Exists(AffectedTeam.objects.filter(change_request=OuterRef("pk"), team_id__in=team_ids)))

    def with_list_data(self):
        """What lists show per row, fetched up front."""
        return self.select_related("requested_by", "workflow_template", "expense_category", "decided_by")

    def with_detail_data(self):
        """Lists plus the affected teams (with who answered) and users: what the API and the page show."""
        from changes.models import AffectedTeam

        return self.with_list_data().prefetch_related(
            Prefetch("affected_teams", queryset=AffectedTeam.objects.select_related("team", "by")),
            "affected_users",
        )


class AffectedTeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        from changes.models import ChangeRequest

        return self.filter(change_request__in=ChangeRequest.objects.visible_to(user))
