"""The change request API (PRODUCT.md §7, §8), per role, another team's user included."""

import pytest

from changes.choices import AnswerStatus, ChangeStatus, ConfigurableField
from changes.models import ChangeRequest
from tests.approvals.factories import WorkflowTemplateFactory
from tests.changes.factories import category_used_by, make_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/change-requests/"


def test_create_on_a_category_lists_the_affected_team(api_as, marketer, team, champion):
    category = category_used_by(team, owner=marketer)
    response = api_as(marketer).post(
        URL,
        {"target_kind": "expense_category", "expense_category": category.pk, "what": "Rename", "why": "New form"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open"
    assert body["requested_by"] == marketer.pk
    assert body["expense_category"] == category.pk
    assert body["workflow_template"] is None
    assert body["field_name"] == ""
    assert body["affected_teams"] == [
        {"team": team.pk, "team_name": "Brand", "status": "pending", "by": None, "at": None, "note": ""}
    ]
    assert body["affected_users"] == [marketer.pk]
    assert set(body) >= {"id", "what", "why", "created_at", "decided_by", "decided_at", "decision_note"}


def test_create_without_why_or_target_is_a_400(api_as, marketer):
    client = api_as(marketer)
    response = client.post(URL, {"target_kind": "field", "field_name": "campaign.tags", "what": "x"}, format="json")
    assert response.status_code == 400
    assert "why" in response.json()
    response = client.post(URL, {"target_kind": "workflow_template", "what": "x", "why": "y"}, format="json")
    assert response.status_code == 400
    assert "workflow_template" in response.json()


def test_a_template_request_names_the_template(api_as, approver):
    template = WorkflowTemplateFactory()
    response = api_as(approver).post(
        URL,
        {"target_kind": "workflow_template", "workflow_template": template.pk, "what": "x", "why": "y"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["target_label"] == template.name


def test_the_list_is_scoped_to_requester_affected_teams_and_admins(
    api_as, open_change, marketer, champion, other_team_marketer, approver, finance_user, admin_user, team
):
    member = UserFactory(username="brand-member", roles=["marketer"], teams=[team])
    for user in (marketer, champion, member, admin_user):
        ids = [row["id"] for row in api_as(user).get(URL).json()["results"]]
        assert ids == [open_change.pk], user
    for user in (other_team_marketer, approver, finance_user):
        assert api_as(user).get(URL).json()["count"] == 0, user
        assert api_as(user).get(f"{URL}{open_change.pk}/").status_code == 404


def test_filters_by_scope_status_and_kind(api_as, open_change, marketer, champion, team):
    field_change = make_change(by=champion, team=team, what="Other")
    client = api_as(marketer)
    assert [r["id"] for r in client.get(URL, {"scope": "mine"}).json()["results"]] == [open_change.pk]
    assert {r["id"] for r in client.get(URL, {"scope": "my_teams"}).json()["results"]} == {
        open_change.pk,
        field_change.pk,
    }
    assert client.get(URL, {"status": "applied"}).json()["count"] == 0
    assert client.get(URL, {"target_kind": "field"}).json()["count"] == 0
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_acknowledge_by_the_champion_and_403_for_a_member(api_as, open_change, champion, team):
    member = UserFactory(username="brand-member", roles=["marketer"], teams=[team])
    response = api_as(member).post(f"{URL}{open_change.pk}/acknowledge/", {"note": "ok"}, format="json")
    assert response.status_code == 403
    response = api_as(champion).post(f"{URL}{open_change.pk}/acknowledge/", {"note": "ok"}, format="json")
    assert response.status_code == 200
    row = response.json()["affected_teams"][0]
    assert (row["status"], row["by"], row["note"]) == (AnswerStatus.ACKNOWLEDGED, champion.pk, "ok")


def test_object_needs_a_note(api_as, open_change, champion):
    response = api_as(champion).post(f"{URL}{open_change.pk}/object/", {}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    response = api_as(champion).post(f"{URL}{open_change.pk}/object/", {"note": "Breaks it"}, format="json")
    assert response.json()["affected_teams"][0]["status"] == "objected"


def test_apply_409_while_pending_then_override_with_note(api_as, open_change, admin_user):
    client = api_as(admin_user)
    response = client.post(f"{URL}{open_change.pk}/apply/", {"note": "x"}, format="json")
    assert response.status_code == 409
    assert "Brand" in response.json()["detail"]
    response = client.post(f"{URL}{open_change.pk}/apply/", {"override": True}, format="json")
    assert response.status_code == 400
    response = client.post(f"{URL}{open_change.pk}/apply/", {"override": True, "note": "Urgent"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["overridden"], body["decided_by"]) == ("applied", True, admin_user.pk)
    # and a second decision is a state conflict
    assert client.post(f"{URL}{open_change.pk}/decline/", {"note": "no"}, format="json").status_code == 409


def test_apply_and_decline_are_admins_only(api_as, acknowledged_change, marketer, champion):
    for user in (marketer, champion):
        assert api_as(user).post(f"{URL}{acknowledged_change.pk}/apply/", {}, format="json").status_code == 403
        assert (
            api_as(user).post(f"{URL}{acknowledged_change.pk}/decline/", {"note": "x"}, format="json").status_code
            == 403
        )


def test_decline_withdraw_and_confirm(api_as, marketer, team, champion, admin_user):
    declined = make_change(by=marketer, team=team)
    response = api_as(admin_user).post(f"{URL}{declined.pk}/decline/", {"note": "Breaks finance"}, format="json")
    assert (response.status_code, response.json()["decision_note"]) == (200, "Breaks finance")

    withdrawn = make_change(by=marketer, team=team)
    assert api_as(champion).post(f"{URL}{withdrawn.pk}/withdraw/", {}, format="json").status_code == 403
    response = api_as(marketer).post(f"{URL}{withdrawn.pk}/withdraw/", {}, format="json")
    assert response.json()["status"] == ChangeStatus.WITHDRAWN
    assert api_as(marketer).post(f"{URL}{withdrawn.pk}/confirm/", {"note": "x"}, format="json").status_code == 409

    kept = make_change(by=marketer, team=team)
    assert api_as(admin_user).post(f"{URL}{kept.pk}/confirm/", {"note": "x"}, format="json").status_code == 403
    assert api_as(marketer).post(f"{URL}{kept.pk}/confirm/", {}, format="json").status_code == 400
    response = api_as(marketer).post(f"{URL}{kept.pk}/confirm/", {"note": "Still needed"}, format="json")
    assert response.json()["stale_confirmation"] == "Still needed"


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_a_field_request_by_finance(api_as, finance_user):
    response = api_as(finance_user).post(
        URL,
        {"target_kind": "field", "field_name": ConfigurableField.KPI_METRIC, "what": "Add pipeline", "why": "ROI"},
        format="json",
    )
    assert response.status_code == 201
    assert ChangeRequest.objects.get(pk=response.json()["id"]).field_name == "kpi.metric"
