"""PostgreSQL: two administrators deciding the same change request at once — one wins, the other gets a 409."""

import pytest
from rest_framework.test import APIClient

from changes.choices import ChangeStatus
from changes.models import ChangeRequest
from tests.factories import UserFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _client(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_apply_and_decline_at_once_one_wins(acknowledged_change):
    # given two administrators on the same acknowledged request
    first = UserFactory(username="admin-1", roles=["admin"])
    second = UserFactory(username="admin-2", roles=["admin"])
    url = f"/api/v1/change-requests/{acknowledged_change.pk}"
    # when one applies and the other declines at the same moment
    codes = run_together(
        [
            lambda: _client(first).post(f"{url}/apply/", {"note": "Done"}, format="json").status_code,
            lambda: _client(second).post(f"{url}/decline/", {"note": "No"}, format="json").status_code,
        ]
    )
    # then exactly one decision is recorded and the other is a state conflict
    assert sorted(codes) == [200, 409]
    change = ChangeRequest.objects.get(pk=acknowledged_change.pk)
    assert change.status in (ChangeStatus.APPLIED, ChangeStatus.DECLINED)
    winner = first if codes[0] == 200 else second
    assert change.decided_by == winner
    assert change.history.filter(status__in=["applied", "declined"]).count() == 1


def test_two_admins_applying_at_once_apply_once(acknowledged_change):
    admins = [UserFactory(username=f"admin-{n}", roles=["admin"]) for n in range(2)]
    url = f"/api/v1/change-requests/{acknowledged_change.pk}/apply/"
    codes = run_together([lambda user=user: _client(user).post(url, {}, format="json").status_code for user in admins])
    assert sorted(codes) == [200, 409]
    assert ChangeRequest.history.filter(id=acknowledged_change.pk, status="applied").count() == 1
