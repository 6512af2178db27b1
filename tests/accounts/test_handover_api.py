"""/api/v1/users/{id}/handover/, /deactivate/ and /holdings/ (PRODUCT.md §7, §8): admins only."""
# ruff: noqa: F811 - fixtures imported from tests.accounts.test_handover are redefined as parameters

import pytest

from campaigns.models import Campaign
from tests.accounts.test_handover import EVERY_KIND, colleague, holdings_of_leaver, leaver, successor  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(user, action):
    return f"/api/v1/users/{user.pk}/{action}/"


@pytest.mark.parametrize("role", ["marketer", "other_team_marketer", "approver", "finance_user"])
def test_non_admins_get_403(request, holdings_of_leaver, leaver, successor, api_as, role):
    caller = request.getfixturevalue(role)
    api = api_as(caller)
    assert api.post(url(leaver, "handover"), {"to_user": successor.pk}, format="json").status_code == 403
    assert api.post(url(leaver, "deactivate"), format="json").status_code == 403
    assert api.get(url(leaver, "holdings")).status_code == 403
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_admin_sees_the_holdings(holdings_of_leaver, leaver, api_as, admin_user):
    body = api_as(admin_user).get(url(leaver, "holdings")).json()
    assert body["user"] == leaver.pk and body["total"] == 12
    assert {h["kind"] for h in body["holdings"]} == EVERY_KIND
    owned = next(h for h in body["holdings"] if h["kind"] == "campaigns.owned")
    assert owned == {
        "kind": "campaigns.owned",
        "label": "Campaigns owned",
        "description": "",
        "count": 1,
        "blocking": 1,
        "items": [owned["items"][0]],
    }
    assert "OWN-1" in owned["items"][0]


def test_deactivation_is_a_400_listing_the_holdings(holdings_of_leaver, leaver, api_as, admin_user):
    response = api_as(admin_user).post(url(leaver, "deactivate"), format="json")
    assert response.status_code == 400
    assert "Campaigns owned: 1 (OWN-1" in str(response.json())
    leaver.refresh_from_db()
    assert leaver.is_active


def test_admin_hands_over_and_deactivates(holdings_of_leaver, leaver, successor, api_as, admin_user):
    api = api_as(admin_user)
    response = api.post(url(leaver, "handover"), {"to_user": successor.pk, "deactivate": True}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["deactivated"] is True
    assert body["total"] == 12
    assert {m["kind"] for m in body["moved"]} == EVERY_KIND
    assert all(m["to_user"] == successor.pk for m in body["moved"])
    owned = next(m for m in body["moved"] if m["kind"] == "campaigns.owned")
    assert owned["count"] == 1 and "OWN-1" in owned["items"][0]
    assert Campaign.objects.get(code="OWN-1").owner == successor
    assert api.get(f"/api/v1/users/{leaver.pk}/").json()["is_active"] is False


def test_per_kind_assignments(holdings_of_leaver, leaver, successor, colleague, api_as, admin_user):
    response = api_as(admin_user).post(
        url(leaver, "handover"),
        {"to_user": successor.pk, "assignments": {"campaigns.owned": colleague.pk}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Campaign.objects.get(code="OWN-1").owner == colleague
    assert Campaign.objects.get(code="SPN-1").sponsor == successor


def test_deactivating_someone_who_holds_nothing(api_as, admin_user, team):
    idle = UserFactory(roles=["marketer"], teams=[team])
    response = api_as(admin_user).post(url(idle, "deactivate"), format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"to_user": "abc"},
        {"assignments": {"nope": 1}},
        {"assignments": "x"},
        {"to_user": 999999},
    ],
)
def test_bad_input_is_a_400(holdings_of_leaver, leaver, api_as, admin_user, body):
    response = api_as(admin_user).post(url(leaver, "handover"), body, format="json")
    assert response.status_code == 400
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_an_inactive_or_same_target_is_a_400(holdings_of_leaver, leaver, api_as, admin_user):
    gone = UserFactory(is_active=False)
    api = api_as(admin_user)
    inactive = api.post(url(leaver, "handover"), {"to_user": gone.pk}, format="json")
    assert inactive.status_code == 400
    assert "inactive" in str(inactive.json())
    same = api.post(url(leaver, "handover"), {"to_user": leaver.pk}, format="json")
    assert same.status_code == 400
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_a_segregation_conflict_is_a_400_and_nothing_moves(holdings_of_leaver, leaver, colleague, api_as, admin_user):
    response = api_as(admin_user).post(url(leaver, "handover"), {"to_user": colleague.pk}, format="json")
    assert response.status_code == 400
    assert "segregation of duties" in str(response.json())
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_an_unknown_user_is_a_404(api_as, admin_user):
    response = api_as(admin_user).post("/api/v1/users/999999/handover/", {"to_user": admin_user.pk}, format="json")
    assert response.status_code == 404
