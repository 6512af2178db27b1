"""Funding requests from the old spreadsheets (issue 17.1): the plan per row, who may import which status, undo."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from approvals.models import ApprovalRequest
from budgets import services
from budgets.choices import FundingRequestStatus
from budgets.imports import funding
from budgets.imports.importers import FundingRequestsImporter
from budgets.models import FundingRequest
from imports.choices import RowOutcome
from imports.registry import get_importer
from tests.budgets.factories import ExpenseFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = (
    "external_ref,campaign,category,period,amount,justification,expected_leads,expected_revenue,"
    "requested_by,status,approved_amount,decision_note,submitted_at,decided_at\n"
)


def csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode()


def plan(content: bytes, by):
    return import_file(kind="funding_requests", file_name="requests.csv", content=content, by=by)


def run(content: bytes, by):
    job, stored = plan(content, by)
    result = confirm_import(batch=job, by=by)
    job.refresh_from_db()
    return job, stored, result


def local_day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def outcomes(stored):
    return [(row.line, row.outcome) for row in stored.rows]


@pytest.fixture
def history_rows():
    """An approved, a partially approved, a rejected and a draft request of SPRING-27 (Q1 2027)."""
    return csv(
        "OLD-1,SPRING-27,MKT-DIG-SEA,Q1 2027,150000.00,Paid search,300,900000.00,marketer,approved,,Budget ok,"
        "2027-01-10,2027-01-15",
        "OLD-2,SPRING-27,Paid search,2027-02-15,80000.00,Banners,,,marketer,Partially approved,50000.00,Cut,,",
        "OLD-3,SPRING-27,MKT-DIG-SEA,Q1 2027,20000.00,Reserve,,,marketer,rejected,,No,,",
        "OLD-4,SPRING-27,MKT-DIG-SEA,Q1 2027,10000.00,Spare,,,marketer,draft,,,,",
    )


def test_template_headers_are_the_field_names_in_the_users_language():
    importer = get_importer("funding_requests")
    assert isinstance(importer, FundingRequestsImporter)
    english = importer.template_columns()
    assert english[:4] == ["ID", "Number", "External reference", "Campaign"]
    with translation.override("ru"):
        russian = importer.template_columns()
    assert russian[3:7] == ["Кампания", "Статья", "Период", "Сумма"]
    assert len(english) == len(russian) == len(funding.COLUMNS.fields)


def test_finance_imports_decided_history_without_approvals_or_events(
    finance_user, marketer, campaign, category, q1, history_rows, monkeypatch
):
    events = []
    monkeypatch.setattr(services, "publish", lambda event, instance: events.append(event))
    # when finance imports four historical requests
    job, stored, result = run(history_rows, finance_user)
    # then every row is new and written with its status
    assert outcomes(stored) == [(2, "new"), (3, "new"), (4, "new"), (5, "new")]
    requests = {r.external_ref: r for r in FundingRequest.objects.all()}
    approved, partial, rejected, draft = (requests[f"OLD-{i}"] for i in range(1, 5))
    assert (approved.status, approved.approved_amount) == (FundingRequestStatus.APPROVED, Decimal("150000.00"))
    assert (approved.expected_leads, approved.expected_revenue) == (300, Decimal("900000.00"))
    assert local_day(approved.decided_at) == "2027-01-15"
    assert local_day(approved.submitted_at) == "2027-01-10"
    assert approved.decision_note == "Budget ok" and approved.requested_by == marketer
    assert (partial.status, partial.approved_amount, partial.period) == (
        FundingRequestStatus.PARTIALLY_APPROVED,
        Decimal("50000.00"),
        q1,
    )
    assert (rejected.status, rejected.approved_amount) == (FundingRequestStatus.REJECTED, None)
    assert draft.status == FundingRequestStatus.DRAFT and draft.decided_at is None
    # numbered in the period's year, consecutively
    assert sorted(r.number for r in requests.values()) == [f"FR-2027-000{i}" for i in range(1, 5)]
    # with history: who imported, and from which file
    record = approved.history.get()
    assert record.history_user == finance_user
    assert record.history_change_reason == f"Imported from requests.csv (import #{job.pk})"
    # history moves in quietly: no approval, no event or notification
    assert not ApprovalRequest.objects.exists()
    assert events == []
    assert result["created"] == 4
    assert result["written"]["created"]["budgets.fundingrequest"] == sorted(r.pk for r in requests.values())
    # and money can now be spent against the approved one, within its approved amount
    services.expense_create(
        funding_request=approved, by=finance_user, vendor="Yandex", amount=Decimal("1000"), date=q1.start_date
    )


def test_reimporting_the_same_file_changes_nothing(finance_user, campaign, category, q1, history_rows):
    run(history_rows, finance_user)
    history = sum(r.history.count() for r in FundingRequest.objects.all())
    # when the same file comes again
    job, stored, result = run(history_rows, finance_user)
    # then every row is unchanged and nothing is written
    assert {row.outcome for row in stored.rows} == {RowOutcome.UNCHANGED}
    assert FundingRequest.objects.count() == 4
    assert sum(r.history.count() for r in FundingRequest.objects.all()) == history
    assert result["created"] == 0 and result["changed"] == 0


def test_rows_are_keyed_on_the_id_or_the_number(marketer, make_request):
    draft = make_request("1000.00")
    header = "ID,number,amount,justification\n"
    # when the export's ID names the draft, and another row its number
    job, stored, result = run(csv(f"{draft.pk},,2000.00,More search", header=header), marketer)
    draft.refresh_from_db()
    assert stored.rows[0].outcome == RowOutcome.CHANGED
    assert stored.rows[0].changes == [
        "amount: 1000.00 → 2000.00",
        "justification: Paid search for the spring launch: 300 leads expected. → More search",
    ]
    assert (draft.amount, draft.justification) == (Decimal("2000.00"), "More search")
    assert result["written"]["updated"]["budgets.fundingrequest"] == {
        str(draft.pk): {"amount": "1000.00", "justification": "Paid search for the spring launch: 300 leads expected."}
    }
    _job, stored, _result = run(csv(f",{draft.number.lower()},2000.00,More search", header=header), marketer)
    assert stored.rows[0].outcome == RowOutcome.UNCHANGED
    _job, stored = plan(csv("999999,,1,x", ",FR-1999-0001,1,x", header=header), marketer)
    assert stored.rows[0].errors == ["ID: no funding request has the ID 999999"]
    assert stored.rows[1].errors[0].startswith("number: no funding request has the number FR-1999-0001")


def test_a_marketer_imports_drafts_and_submitted_requests_of_their_team_only(
    marketer, other_team_marketer, campaign, category, q1, funding_workflow, finance_user
):
    other = CampaignFactory(
        team=other_team_marketer.memberships.get().team,
        code="EV-1",
        start_date=campaign.start_date,
        end_date=campaign.end_date,
    )
    rows = csv(
        "M-1,SPRING-27,MKT-DIG-SEA,Q1 2027,1000.00,Search,,,marketer,draft,,,,",
        "M-2,SPRING-27,MKT-DIG-SEA,Q1 2027,2000.00,Search,,,marketer,submitted,,,,",
        "M-3,SPRING-27,MKT-DIG-SEA,Q1 2027,3000.00,Search,,,marketer,approved,,,,",
        "M-4,EV-1,MKT-DIG-SEA,Q1 2027,4000.00,Search,,,marketer,draft,,,,",
    )
    job, stored = plan(rows, marketer)
    assert outcomes(stored) == [(2, "new"), (3, "new"), (4, "error"), (5, "error")]
    assert stored.rows[2].errors == [
        "status: only finance and administrators import a decided request (approved); import it as a draft "
        "or submitted, and it is decided through its approval"
    ]
    assert stored.rows[3].errors[0] == (
        f"campaign: EV-1 is a campaign of the team {other.team.name}; you cannot import its funding requests"
    )
    confirm_import(batch=job, by=marketer)
    submitted = FundingRequest.objects.get(external_ref="M-2")
    # the submitted one went through the service: its approval waits on finance
    assert submitted.status == FundingRequestStatus.SUBMITTED
    assert ApprovalRequest.objects.for_subject(submitted).open().exists()
    assert FundingRequest.objects.get(external_ref="M-1").status == FundingRequestStatus.DRAFT
    assert not FundingRequest.objects.filter(external_ref__in=["M-3", "M-4"]).exists()


def test_each_column_is_checked_and_unknown_names_are_listed(finance_user, campaign, category, q1):
    UserFactory(username="gone", is_active=False)
    CampaignFactory(
        code="DONE-26",
        team=campaign.team,
        status="completed",
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        sponsor=finance_user,
    )
    job, stored = plan(
        csv(
            "E-1,NOPE,MKT-X,Q9,abc,,x,-5,ghost,maybe,,,,",
            "E-2,SPRING-27,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,approved,200.00,,,",
            "E-3,SPRING-27,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,approved,50.00,,,",
            "E-4,SPRING-27,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,draft,50.00,Note,,2027-01-01",
            "E-5,SPRING-27,MKT-DIG-SEA,01.06.2031,100.00,Why,,,gone,draft,,,,",
            "E-6,DONE-26,MKT-DIG-SEA,Q1 2027,100.00,Why,,,gone,approved,,,,",
            "E-7,DONE-26,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,draft,,,,",
            "E-6,SPRING-27,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,draft,,,,",
        ),
        finance_user,
    )
    errors = {row.line: row.errors for row in stored.rows}
    assert errors[2] == [
        "justification: a new funding request needs a value here",
        "campaign: no campaign has the code NOPE",
        "category: no expense category has the code or name MKT-X",
        "period: no fiscal period is named Q9",
        "amount: abc is not an amount with at most two decimals",
        "expected_revenue: the amount must not be negative",
        "expected_leads: x is not a whole number, zero or more",
        "requested_by: no user has the e-mail or username ghost",
        "status: unknown status maybe (one of: Draft, Submitted, Approved, Partially approved, Rejected, Withdrawn)",
    ]
    assert errors[3] == ["approved_amount: the approved amount cannot exceed the amount asked (100.00)"]
    assert errors[4] == ["approved_amount: less than the amount asked was approved: the status is partially approved"]
    assert errors[5] == [
        "approved_amount: only an approved request has an approved amount",
        "decision_note: only a decided or withdrawn request has a decision note",
        "decided_at: only a decided request has a decision date",
    ]
    assert errors[6][0].startswith("period: no fiscal period contains 01.06.2031")
    assert "requested_by: gone has left; only a decided or withdrawn request may name them" in errors[6]
    assert errors[7] == []  # history of a completed campaign, named by someone who left
    assert errors[8][0].startswith("campaign: the campaign DONE-26 is completed: it needs no more money")
    assert errors[9] == ["external_ref: the same request is already on line 7"]
    assert job.summary == {
        "campaigns": ["NOPE"],
        "categories": ["MKT-X"],
        "periods": ["01.06.2031", "Q9"],
        "users": ["ghost"],
    }


def test_a_submitted_request_cannot_change_through_an_import(marketer, make_request, funding_workflow):
    request = make_request("1000.00")
    services.funding_request_submit(funding_request=request, by=marketer)
    _job, stored = plan(csv(f"{request.pk},3000.00", header="ID,amount\n"), marketer)
    assert stored.rows[0].errors == [
        f"Status: {request.number} is submitted and cannot be changed: withdraw it and submit it again."
    ]
    _job, stored = plan(csv(f"{request.pk},approved", header="ID,status\n"), marketer)
    assert stored.rows[0].errors[0].startswith("status: only finance and administrators import a decided request")


def test_the_russian_excel_dialect(finance_user, marketer, campaign, category, q1):
    content = (DATA / "old_funding_requests_cp1251.csv").read_bytes()
    job, stored = plan(content, finance_user)
    assert outcomes(stored) == [(2, "new"), (3, "new"), (4, "new"), (5, "error")]
    assert job.summary == {"campaigns": ["NOPE-1"], "users": ["ghost"]}
    confirm_import(batch=job, by=finance_user)
    first = FundingRequest.objects.get(external_ref="ЗФ-2026-101")
    assert (first.amount, first.status, first.expected_revenue) == (
        Decimal("150000.00"),
        FundingRequestStatus.APPROVED,
        Decimal("900000.00"),
    )
    assert local_day(first.decided_at) == "2027-01-15"
    partial = FundingRequest.objects.get(external_ref="ЗФ-2026-102")
    assert (partial.status, partial.approved_amount) == (FundingRequestStatus.PARTIALLY_APPROVED, Decimal("50000.00"))


def test_planning_and_applying_cost_the_same_queries_for_5_or_30_rows(finance_user, marketer, campaign, category, q1):
    def queries(count, prefix):
        statuses = ("approved", "draft", "rejected")
        rows = csv(
            *[
                f"{prefix}-{i},SPRING-27,MKT-DIG-SEA,Q1 2027,100.00,Why,,,marketer,{statuses[i % 3]},,,,"
                for i in range(count)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            run(rows, finance_user)
        return len(captured)

    queries(1, "W")  # the year's number sequence is created once
    # (30 rows: on SQLite Django splits an insert above 999 parameters, PostgreSQL never at this size)
    assert queries(30, "B") == queries(5, "A")


def test_undo_deletes_what_was_created_and_restores_what_changed(finance_user, marketer, make_request, campaign, q1):
    draft = make_request("1000.00")
    job, _stored, _result = run(
        csv(
            "U-1,SPRING-27,MKT-DIG-SEA,Q1 2027,500.00,Why,,,marketer,approved,,,,",
            "U-2,SPRING-27,MKT-DIG-SEA,Q1 2027,700.00,Why,,,marketer,rejected,,,,",
        ),
        finance_user,
    )
    changed_job, _stored, _result = run(csv(f"{draft.pk},2500.00", header="ID,amount\n"), marketer)
    importer = get_importer("funding_requests")
    # given an expense against one imported request, the first import cannot be undone
    approved = FundingRequest.objects.get(external_ref="U-1")
    expense = ExpenseFactory(funding_request=approved, amount=Decimal("10.00"))
    assert importer.undo_objections(job) == [
        f"Money is committed or spent against these funding requests: {approved.number}."
    ]
    expense.delete()
    assert importer.undo_objections(job) == []
    # when undone
    assert importer.undo(job=job, by=finance_user) == {"deleted": 2, "restored": 0}
    assert not FundingRequest.objects.filter(external_ref__in=["U-1", "U-2"]).exists()
    assert importer.undo(job=changed_job, by=marketer) == {"deleted": 0, "restored": 1}
    draft.refresh_from_db()
    assert draft.amount == Decimal("1000.00")
    assert draft.history.first().history_user == marketer


def test_a_request_changed_after_its_import_is_not_undone(finance_user, marketer, campaign, category, q1):
    job, _stored, _result = run(csv("C-1,SPRING-27,MKT-DIG-SEA,Q1 2027,500.00,Why,,,marketer,draft,,,,"), finance_user)
    request = FundingRequest.objects.get()
    services.funding_request_update(funding_request=request, by=marketer, amount=Decimal("600.00"))
    assert get_importer("funding_requests").undo_objections(job) == [
        f"These funding requests changed after the import: {request.number}."
    ]


def test_undoing_an_imported_submission_withdraws_its_approval(marketer, campaign, category, q1, funding_workflow):
    job, _stored, _result = run(csv("S-1,SPRING-27,MKT-DIG-SEA,Q1 2027,500.00,Why,,,marketer,submitted,,,,"), marketer)
    request = FundingRequest.objects.get()
    assert ApprovalRequest.objects.for_subject(request).open().exists()
    importer = get_importer("funding_requests")
    assert importer.undo_objections(job) == []
    assert importer.undo(job=job, by=marketer) == {"deleted": 1, "restored": 0}
    assert not FundingRequest.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_a_submitted_row_needs_a_funding_workflow(marketer, campaign, category, q1):
    _job, stored = plan(csv("S-1,SPRING-27,MKT-DIG-SEA,Q1 2027,500.00,Why,,,marketer,submitted,,,,"), marketer)
    assert stored.rows[0].errors == [
        "status: No active workflow template applies to this kind of subject. Ask an administrator."
    ]
