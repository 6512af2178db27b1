"""Funding requests, commitments and expenses in the REST API (PRODUCT.md §8)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import ApprovalRequest
from budgets.models import Expense, FundingRequest
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(campaign, category, q1):
    return {
        "campaign": campaign.pk,
        "category": category.pk,
        "period": q1.pk,
        "amount": "100000.00",
        "justification": "Paid search for the spring launch",
        "expected_leads": 300,
        "expected_revenue": "900000.00",
    }


def test_marketer_asks_finance_approves_less_and_spend_is_capped(
    api_as, marketer, finance_user, body, funding_workflow
):
    # given: the marketer creates and submits a request
    client = api_as(marketer)
    created = client.post("/api/v1/funding-requests/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["number"], data["status"], data["amount"]) == ("FR-2027-0001", "draft", "100000.00")
    submitted = client.post(f"/api/v1/funding-requests/{data['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200
    approval_id = submitted.json()["approval_request"]
    assert submitted.json()["status"] == "submitted"
    # when: finance approves 60 000
    decided = api_as(finance_user).post(
        f"/api/v1/approval-requests/{approval_id}/decide/",
        {"outcome": "approve", "note": "start smaller", "approved_amount": "60000.00"},
        format="json",
    )
    assert decided.status_code == 201, decided.content
    fr = api_as(marketer).get(f"/api/v1/funding-requests/{data['id']}/").json()
    assert (fr["status"], fr["approved_amount"], fr["decision_note"]) == (
        "partially_approved",
        "60000.00",
        "start smaller",
    )
    # then: an expense over the remainder is a 400 saying what is left
    ok = client.post(
        "/api/v1/expenses/",
        {"funding_request": data["id"], "vendor": "Yandex", "amount": "50000.00", "date": "2027-02-03"},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["amount"] == "50000.00"
    over = client.post(
        "/api/v1/expenses/",
        {"funding_request": data["id"], "vendor": "Yandex", "amount": "10000.01", "date": "2027-02-04"},
        format="json",
    )
    assert over.status_code == 400
    assert "10,000.00 is left to spend" in over.json()["amount"][0]
    assert Expense.objects.count() == 1


def test_editing_a_submitted_request_is_a_409(api_as, marketer, body, funding_workflow):
    client = api_as(marketer)
    fr = client.post("/api/v1/funding-requests/", body, format="json").json()
    client.post(f"/api/v1/funding-requests/{fr['id']}/submit/", {}, format="json")
    response = client.patch(f"/api/v1/funding-requests/{fr['id']}/", {"amount": "1.00"}, format="json")
    assert response.status_code == 409
    assert "withdraw it and submit it again" in response.json()["detail"]
    again = client.post(f"/api/v1/funding-requests/{fr['id']}/submit/", {}, format="json")
    assert again.status_code == 409
    withdrawn = client.post(f"/api/v1/funding-requests/{fr['id']}/withdraw/", {"note": "redo"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"


def test_missing_justification_is_a_400(api_as, marketer, body):
    response = api_as(marketer).post("/api/v1/funding-requests/", {**body, "justification": ""}, format="json")
    assert response.status_code == 400
    assert "justification" in response.json()


def test_expense_against_a_draft_is_a_400(api_as, marketer, make_request):
    draft = make_request()
    response = api_as(marketer).post(
        "/api/v1/expenses/",
        {"funding_request": draft.pk, "vendor": "X", "amount": "1.00", "date": "2027-02-03"},
        format="json",
    )
    assert response.status_code == 400
    assert "approved funding request" in response.json()["funding_request"][0]


def test_expense_naming_another_campaign_is_a_400(api_as, marketer, approved_request, other_campaign):
    response = api_as(marketer).post(
        "/api/v1/expenses/",
        {
            "funding_request": approved_request.pk,
            "campaign": other_campaign.pk,
            "vendor": "X",
            "amount": "1.00",
            "date": "2027-02-03",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "another campaign" in response.json()["funding_request"][0]


def test_other_team_and_approver_do_not_see_the_request(api_as, other_team_marketer, approver, approved_request):
    for user in (other_team_marketer, approver):
        client = api_as(user)
        assert client.get(f"/api/v1/funding-requests/{approved_request.pk}/").status_code == 404
        assert client.get("/api/v1/funding-requests/").json()["count"] == 0


def test_finance_and_admin_read_all(api_as, finance_user, admin_user, approved_request):
    for user in (finance_user, admin_user):
        assert api_as(user).get("/api/v1/funding-requests/").json()["count"] == 1


def test_the_deciding_approver_reads_the_request(api_as, approver, make_request, funding_workflow, marketer):
    from budgets import services

    big = make_request("750000.00")
    services.funding_request_submit(funding_request=big, by=marketer)
    # the CMO stage is not open yet, but the approver is assigned only when it starts; finance first
    from approvals.choices import Outcome
    from approvals.services import approval_decide

    approval = ApprovalRequest.objects.for_subject(big).get()
    approval_decide(request=approval, by=funding_workflow.stages.get(order=1).approvers.get(), outcome=Outcome.APPROVE)
    assert api_as(approver).get(f"/api/v1/funding-requests/{big.pk}/").status_code == 200


def test_finance_creating_a_request_is_refused(api_as, finance_user, body):
    response = api_as(finance_user).post("/api/v1/funding-requests/", body, format="json")
    assert response.status_code == 403


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_attachment_is_checked_by_its_bytes_and_served_only_to_readers(
    api_as, marketer, other_team_marketer, approved_request, client
):
    api = api_as(marketer)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = api.post(
        "/api/v1/expenses/",
        {
            "funding_request": approved_request.pk,
            "vendor": "X",
            "amount": "1.00",
            "date": "2027-02-03",
            "attachment": fake,
        },
        format="multipart",
    )
    assert refused.status_code == 400
    assert "PDF, PNG, JPEG, XLSX or DOCX" in refused.json()["attachment"][0]
    good = SimpleUploadedFile("../../Счёт №5.docx", _docx())
    created = api.post(
        "/api/v1/expenses/",
        {
            "funding_request": approved_request.pk,
            "vendor": "X",
            "amount": "1.00",
            "date": "2027-02-03",
            "attachment": good,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    url = created.json()["attachment_url"]
    assert "/" not in created.json()["attachment_name"]
    client.force_login(marketer)
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_team_marketer)
    assert client.get(url).status_code == 404


def test_lists_cost_the_same_for_1_and_50_rows(assert_constant_queries, api_as, finance_user, team, marketer):
    client = api_as(finance_user)

    def request_row():
        FundingRequestFactory(campaign=CampaignFactory(team=team, owner=marketer))

    assert_constant_queries(lambda: client.get("/api/v1/funding-requests/?page_size=100"), request_row)
    assert_constant_queries(lambda: client.get("/api/v1/expenses/?page_size=100"), lambda: ExpenseFactory())
    assert_constant_queries(lambda: client.get("/api/v1/commitments/?page_size=100"), lambda: CommitmentFactory())


def test_money_is_a_decimal_string(api_as, finance_user, approved_request):
    row = api_as(finance_user).get("/api/v1/funding-requests/").json()["results"][0]
    assert row["amount"] == "100000.00"
    assert row["spent"] == "0.00"
    assert FundingRequest.objects.get().amount == Decimal("100000.00")


def test_an_approver_without_the_finance_role_decides_only_their_stage_and_spends_nothing(
    api_as, client, approver, finance_user, marketer, make_request, funding_workflow
):
    # given: 750 000 asked, so finance reviews first and the CMO (an approver, not finance) signs off after
    from budgets import services

    big = make_request("750000.00")
    services.funding_request_submit(funding_request=big, by=marketer)
    approval = ApprovalRequest.objects.for_subject(big).get()
    cmo = api_as(approver)
    decide = f"/api/v1/approval-requests/{approval.pk}/decide/"
    # then: finance's queue is not the CMO's, nor is finance's stage, nor the request before it reaches him
    client.force_login(approver)
    assert client.get("/budgets/requests/review/").status_code == 403
    early = cmo.post(decide, {"outcome": "approve"}, format="json")
    assert early.status_code == 403, early.content
    big.refresh_from_db()
    assert big.status == "submitted"
    # when finance approved its stage, the CMO decides his
    assert api_as(finance_user).post(decide, {"outcome": "approve"}, format="json").status_code == 201
    cmo = api_as(approver)  # one API client: authenticate as the CMO again
    assert cmo.get(f"/api/v1/funding-requests/{big.pk}/").status_code == 200
    late = cmo.post(decide, {"outcome": "approve", "note": "go"}, format="json")
    assert late.status_code == 201, late.content
    big.refresh_from_db()
    assert (big.status, big.approved_amount) == ("approved", Decimal("750000.00"))
    # but recording money is not an approver's work
    spend = {"funding_request": big.pk, "vendor": "Agency", "amount": "1000.00", "date": "2027-02-03"}
    refused = cmo.post("/api/v1/expenses/", spend, format="json")
    assert refused.status_code == 403, refused.content
    assert not Expense.objects.exists()


@pytest.mark.parametrize("param", ["team", "year"])
def test_an_id_no_row_can_have_is_a_400_not_a_500(api_as, marketer, param):
    # given an id past what a database integer holds (the API fuzzer found it: SQLite overflowed)
    response = api_as(marketer).get("/api/v1/funding-requests/", {param: "-277024155566495146438557696"})
    # then the filter refuses it
    assert response.status_code == 400
    assert param in response.json()
    assert api_as(marketer).get("/api/v1/budget-allocations/", {"year": "9" * 30}).status_code == 400
