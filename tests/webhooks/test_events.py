"""Each event's payload is its object as the API shows it, for a reader who may see it; publishing never breaks a write."""

import json

import pytest

from materials.services import material_submit
from reports.models import ReportRun
from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import make_material, material_workflow
from tests.webhooks.conftest import make_webhook
from webhooks import events
from webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db


def test_funding_request_and_expense_payloads_use_the_api_fields(admin_user, team, marketer, other_team_marketer):
    campaign = CampaignFactory(team=team, owner=marketer, confidential=True)
    request = FundingRequestFactory(campaign=campaign)
    expense = ExpenseFactory(funding_request__campaign=campaign)
    data = events.payload_data("funding_request.submitted", admin_user, request.pk)
    assert (data["id"], data["number"], data["amount"]) == (request.pk, request.number, "10000.00")
    assert "budget_context" in data
    expense_data = events.payload_data("expense.created", admin_user, expense.pk)
    assert (expense_data["id"], expense_data["amount"], expense_data["funding_request"]) == (
        expense.pk,
        "100.00",
        expense.funding_request_id,
    )
    # another team's marketer reads neither
    assert events.payload_data("funding_request.decided", other_team_marketer, request.pk) is None
    assert events.payload_data("expense.created", other_team_marketer, expense.pk) is None


def test_report_runs_are_their_requesters_only(admin_user, finance_user):
    run = ReportRun.objects.create(report="budget-vs-actual", params={}, format="csv", requested_by=finance_user)
    assert events.payload_data("report_run.finished", finance_user, run.pk)["id"] == run.pk
    assert events.payload_data("report_run.finished", admin_user, run.pk) is None


def test_an_uploaded_version_and_a_decision_are_published(admin_user, marketer, approver):
    # given an admin's webhook for versions and approval decisions
    webhook = make_webhook(admin_user, events=["material.version_uploaded", "approval_request.decided"])
    material_workflow(approver)
    # when a marketer uploads a material's first version and submits it, and the approver decides
    material = make_material(by=marketer)
    request = material_submit(material=material, by=marketer)
    from approvals.services import approval_decide

    approval_decide(request=request, by=approver, outcome="approve", note="Fine")
    # then both events were sent with their API fields
    bodies = {m.event_type: json.loads(m.body) for m in WebhookMessage.objects.filter(webhook=webhook)}
    version = bodies["material.version_uploaded"]["data"]
    assert (version["id"], version["material"]) == (material.latest_version_id, material.pk)
    decided = bodies["approval_request.decided"]["data"]
    assert (decided["id"], decided["status"]) == (request.pk, "approved")


def test_a_failing_payload_never_breaks_the_write(admin_user, marketer, team, monkeypatch):
    # given a webhook whose payload cannot be built
    make_webhook(admin_user)

    def broken(*args, **kwargs):
        raise RuntimeError("serializer bug")

    monkeypatch.setattr(events, "payload_data", broken)
    # when a campaign is created
    from campaigns.services import campaign_create

    campaign = campaign_create(
        by=marketer, name="Still saved", team=team, owner=marketer, start_date="2026-03-01", end_date="2026-03-31"
    )
    # then the campaign is saved and no message was written
    assert campaign.pk
    assert not WebhookMessage.objects.exists()


def test_payloads_are_built_for_the_site_address(admin_user, marketer, settings):
    # given a site address that is not among the hosts the web server answers to
    settings.MRM_BASE_URL = "https://mrm.example.org"
    settings.ALLOWED_HOSTS = ["localhost"]
    material = make_material(by=marketer)
    # then the payload is built all the same (a request to the site's own address, never a DisallowedHost)
    data = events.payload_data("material.version_uploaded", admin_user, material.latest_version_id)
    assert data["file_url"] == f"/materials/versions/{material.latest_version_id}/file/"
