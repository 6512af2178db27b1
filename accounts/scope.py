"""The one scope of figures a viewer gets (PRODUCT.md §2, §6).

A report, a dashboard card, an export or a subscription e-mail adds up money
and campaigns. Each of them computes *every* figure from the same scope, so
the parts of a page add up and two viewers who see the same teams see the
same totals:

- finance, leadership (the CMO, marketing directors) and admins see **all
  teams**, confidential campaigns included;
- everybody else (marketers, approvers who are not leadership) sees **their
  own teams**, all of their teams' campaigns and money and nothing of other
  teams.

The scope is decided here, once, from the user's roles and memberships. The
querysets of campaigns, budgets and approvals turn it into a filter
(``in_scope(scope)``); reports never re-derive who sees what. A viewer's
scope is always inside what ``visible_to`` lets them read: a team member
reads every campaign and funding request of their team.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import Role

#: Roles whose figures cover every team.
ALL_TEAMS_ROLES = (Role.FINANCE, Role.LEADERSHIP, Role.ADMIN)


@dataclass(frozen=True)
class ViewerScope:
    """Which teams' figures a viewer's reports add up."""

    all_teams: bool
    team_ids: frozenset[int]
    team_names: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.all_teams and not self.team_ids

    @property
    def label(self) -> str:
        """Whose figures these are, in words, in the active language."""
        if self.all_teams:
            return _("All teams")
        if not self.team_names:
            return _("No team: you belong to none, so there are no figures to show")
        return ngettext("Team: %(teams)s", "Teams: %(teams)s", len(self.team_names)) % {
            "teams": ", ".join(self.team_names)
        }

    def as_json(self) -> dict:
        """The contract of PRODUCT.md §6: ``{"all_teams", "teams", "label"}``.

        ``teams`` names the teams when the scope is limited to some; it is
        empty when the scope is every team.
        """
        return {"all_teams": self.all_teams, "teams": list(self.team_names), "label": self.label}

    def restrict(self, queryset, team_path: str):
        """``queryset`` narrowed to the scope's teams, reached through ``team_path`` (e.g. ``"campaign__team"``)."""
        if self.all_teams:
            return queryset.all()
        return queryset.filter(**{f"{team_path}_id__in": sorted(self.team_ids)})


NO_SCOPE = ViewerScope(all_teams=False, team_ids=frozenset(), team_names=())


def sees_all_teams(user) -> bool:
    """Finance, leadership and admins read every team's campaigns and money (PRODUCT.md §2)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_role(*ALL_TEAMS_ROLES)


def viewer_scope(user) -> ViewerScope:
    """The scope of every figure ``user`` sees; computed once per user object."""
    cached = getattr(user, "_mrm_viewer_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    if getattr(user, "pk", None) is not None:
        user._mrm_viewer_scope = scope
    return scope


def _compute(user) -> ViewerScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    if sees_all_teams(user):
        return ViewerScope(all_teams=True, team_ids=frozenset(), team_names=())
    if not user.roles:
        return NO_SCOPE
    from accounts.models import Team

    team_ids = user.team_ids
    names = sorted(Team.objects.filter(pk__in=team_ids).values_list("name", flat=True), key=str.lower)
    return ViewerScope(all_teams=False, team_ids=frozenset(team_ids), team_names=tuple(names))
