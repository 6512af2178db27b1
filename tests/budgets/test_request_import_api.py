"""``POST /api/v1/imports/`` with ``kind=funding_requests|expenses|commitments``, then confirm, per role (§2, §8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.choices import FundingRequestStatus
from budgets.models import Expense, FundingRequest

pytestmark = pytest.mark.django_db

REQUESTS = (
    b"External reference,Campaign,Category,Period,Amount,Justification,Requested by,Status\n"
    b"A-1,SPRING-27,MKT-DIG-SEA,Q1 2027,1000.00,Search,marketer,draft\n"
    b"A-2,SPRING-27,MKT-DIG-SEA,Q1 2027,2000.00,Search,marketer,approved\n"
)


def upload(client, content, kind, capture):
    with capture(execute=True):
        response = client.post(
            "/api/v1/imports/", {"kind": kind, "file": SimpleUploadedFile("f.csv", content)}, format="multipart"
        )
    return response


def confirm(client, job_id, capture):
    with capture(execute=True):
        return client.post(f"/api/v1/imports/{job_id}/confirm/")


def test_finance_imports_decided_requests_through_the_api(
    api_as, finance_user, marketer, campaign, category, q1, django_capture_on_commit_callbacks
):
    client = api_as(finance_user)
    response = upload(client, REQUESTS, "funding_requests", django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (job["status"], job["counts"]["new"], job["row_errors"]) == ("ready", 2, [])
    assert confirm(client, job["id"], django_capture_on_commit_callbacks).status_code == 202
    job = client.get(f"/api/v1/imports/{job['id']}/").json()
    assert job["status"] == "applied"
    assert job["result"]["created"] == 2
    assert len(job["result"]["written"]["created"]["budgets.fundingrequest"]) == 2
    assert FundingRequest.objects.get(external_ref="A-2").status == FundingRequestStatus.APPROVED


def test_a_marketer_has_the_approved_row_refused_and_imports_the_draft(
    api_as, marketer, campaign, category, q1, django_capture_on_commit_callbacks
):
    client = api_as(marketer)
    job_id = upload(client, REQUESTS, "funding_requests", django_capture_on_commit_callbacks).json()["id"]
    job = client.get(f"/api/v1/imports/{job_id}/").json()
    assert job["counts"]["new"] == 1
    assert job["row_errors"] == [
        {
            "line": 3,
            "errors": [
                "Status: only finance and administrators import a decided request (approved); import it as a "
                "draft or submitted, and it is decided through its approval"
            ],
        }
    ]
    assert confirm(client, job_id, django_capture_on_commit_callbacks).status_code == 202
    assert list(FundingRequest.objects.values_list("external_ref", "status")) == [("A-1", "draft")]


def test_a_marketer_of_another_team_imports_nothing_and_sees_no_one_elses_job(
    api_as, marketer, other_team_marketer, campaign, category, q1, django_capture_on_commit_callbacks
):
    mine = upload(api_as(marketer), REQUESTS, "funding_requests", django_capture_on_commit_callbacks).json()["id"]
    client = api_as(other_team_marketer)
    job_id = upload(client, REQUESTS, "funding_requests", django_capture_on_commit_callbacks).json()["id"]
    job = client.get(f"/api/v1/imports/{job_id}/").json()
    assert job["counts"]["error"] == 2
    assert job["row_errors"][0]["errors"][0].startswith("Campaign: SPRING-27 is a campaign of the team")
    assert confirm(client, job_id, django_capture_on_commit_callbacks).status_code == 202
    assert not FundingRequest.objects.exists()
    assert client.get(f"/api/v1/imports/{mine}/").status_code == 404


@pytest.mark.parametrize("role", ["approver", "leadership_user", "anonymous"])
def test_who_may_not_import_requests_or_spend(role, api_as, api_client, request):
    client = api_client if role == "anonymous" else api_as(request.getfixturevalue(role))
    for kind in ("funding_requests", "expenses", "commitments"):
        response = client.post(
            "/api/v1/imports/", {"kind": kind, "file": SimpleUploadedFile("f.csv", b"a\n1\n")}, format="multipart"
        )
        assert response.status_code in (401, 403)


def test_expenses_through_the_api_per_role(
    api_as, finance_user, marketer, other_team_marketer, approved_request, django_capture_on_commit_callbacks
):
    content = (
        "External reference,Campaign,Funding request,Vendor,Amount,Date\n"
        f"E-1,SPRING-27,{approved_request.number},Yandex,100.00,10.02.2027\n"
    ).encode()
    # another team's marketer: refused on the row
    client = api_as(other_team_marketer)
    job_id = upload(client, content, "expenses", django_capture_on_commit_callbacks).json()["id"]
    assert client.get(f"/api/v1/imports/{job_id}/").json()["counts"]["error"] == 1
    # the team's marketer records it
    client = api_as(marketer)
    job_id = upload(client, content, "expenses", django_capture_on_commit_callbacks).json()["id"]
    assert confirm(client, job_id, django_capture_on_commit_callbacks).status_code == 202
    assert Expense.objects.get().recorded_by == marketer
    # finance re-imports the same file: unchanged
    client = api_as(finance_user)
    job_id = upload(client, content, "expenses", django_capture_on_commit_callbacks).json()["id"]
    assert client.get(f"/api/v1/imports/{job_id}/").json()["counts"]["unchanged"] == 1


def test_templates_download_per_kind(api_as, marketer):
    client = api_as(marketer)
    for kind in ("funding_requests", "expenses", "commitments"):
        response = client.get(f"/api/v1/imports/templates/{kind}/?format=csv")
        assert response.status_code == 200
        assert response.content.decode("utf-8-sig").startswith("ID,")
