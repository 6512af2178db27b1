"""The landing page after sign-in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.choices import Role
from accounts.models import User


@login_required
def dashboard(request):
    """The user's own starting point: who they are in MRM (roles, teams)."""
    user = User.objects.with_roles_and_teams().get(pk=request.user.pk)
    memberships = sorted(user.memberships.all(), key=lambda m: m.team.name)
    roles = [Role(role).label for role in sorted(user.roles)]
    return render(
        request,
        "reports/dashboard.html",
        {"profile_user": user, "profile_roles": roles, "memberships": memberships},
    )
