"""Fixtures of the quality gates: the world every matrix row is called in."""

import pytest
from rest_framework.test import APIClient

from tests.support.matrix import World


@pytest.fixture
def world(
    request, team, other_team, marketer, approver, finance_user, leadership_user, admin_user, other_team_marketer
):
    """Team A (``team``) with its marketer, team B with its own, and one user per team-less role."""
    return World(
        team=team,
        other_team=other_team,
        users={
            "marketer": marketer,
            "approver": approver,
            "finance": finance_user,
            "leadership": leadership_user,
            "admin": admin_user,
            "other_team": other_team_marketer,
        },
        request=request,
    )


@pytest.fixture
def matrix_client():
    """A client that reports a view's exception as a server error instead of raising it mid-row."""
    return APIClient()
