"""Expenses and commitments from the old spreadsheets (issue 17.1): the hand rule per row, idempotent, undo."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from budgets import services
from budgets.models import Commitment, Expense
from imports.choices import RowOutcome
from imports.registry import get_importer
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "external_ref,campaign,funding_request,vendor,amount,date,reference,note\n"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode()


def plan(content: bytes, by, kind="expenses"):
    return import_file(kind=kind, file_name="spend.csv", content=content, by=by)


def run(content: bytes, by, kind="expenses"):
    job, stored = plan(content, by, kind)
    result = confirm_import(batch=job, by=by)
    job.refresh_from_db()
    return job, stored, result


def test_template_headers_in_either_language():
    assert get_importer("expenses").template_columns() == [
        "ID",
        "External reference",
        "Campaign",
        "Funding request",
        "Vendor",
        "Amount",
        "Date",
        "Reference",
        "Note",
    ]
    with translation.override("ru"):
        assert get_importer("commitments").template_columns()[2:6] == [
            "Кампания",
            "Заявка на финансирование",
            "Контрагент",
            "Сумма",
        ]


def test_finance_imports_expenses_within_the_approved_amount(
    finance_user, approved_request, make_request, other_campaign, monkeypatch
):
    events = []
    monkeypatch.setattr(services, "publish", lambda event, instance: events.append(event))
    draft = make_request("5000.00")
    number = approved_request.number
    # when: 60 000 + 30 000 fit in 100 000, the next 20 000 does not; one row is against a draft
    job, stored, result = run(
        csv(
            f"INV-1,SPRING-27,{number},Yandex,60000.00,2027-02-10,Inv 1,February",
            f"INV-2,SPRING-27,{number.lower()},Yandex,30 000,00,10.03.2027,Inv 2,",
            f"INV-3,SPRING-27,{number},Yandex,20000.00,2027-03-20,Inv 3,",
            f"INV-4,SPRING-27,{draft.number},Print shop,100.00,2027-03-01,,",
            f"INV-5,AUTUMN-27,{number},Print shop,100.00,2027-03-01,,",
        ).replace(b"30 000,00", b'"30 000,00"'),
        finance_user,
    )
    # then the dry run says the same as the service would by hand
    assert [row.outcome for row in stored.rows] == ["new", "new", "error", "error", "error"]
    with pytest.raises(ValidationError) as by_hand:
        services.expense_create(
            funding_request=draft,
            by=finance_user,
            vendor="Print shop",
            amount=Decimal("100"),
            date=datetime.date(2027, 3, 1),
        )
    assert stored.rows[3].errors == [f"funding_request: {by_hand.value.messages[0]}"]
    assert stored.rows[2].errors == [
        f"amount: This expense would exceed what {number} allows: ₽10,000.00 is left to spend "
        "(approved ₽100,000.00, spent ₽90,000.00)."
    ]
    assert "belongs to another campaign" in stored.rows[4].errors[0]
    # and applying records the two, with who and the import's note, and no event per row
    expenses = list(Expense.objects.order_by("external_ref"))
    assert [(e.external_ref, e.amount, e.date) for e in expenses] == [
        ("INV-1", Decimal("60000.00"), datetime.date(2027, 2, 10)),
        ("INV-2", Decimal("30000.00"), datetime.date(2027, 3, 10)),
    ]
    assert expenses[0].recorded_by == finance_user and expenses[0].reference == "Inv 1"
    record = expenses[0].history.get()
    assert (record.history_user, record.history_change_reason) == (
        finance_user,
        f"Imported from spend.csv (import #{job.pk})",
    )
    assert events == []
    assert result["written"] == {"created": {"budgets.expense": [e.pk for e in expenses]}, "updated": {}}


def test_reimport_is_keyed_on_the_external_reference_or_the_id_never_the_reference(finance_user, approved_request):
    number = approved_request.number
    rows = csv(f"INV-1,SPRING-27,{number},Yandex,100.00,2027-02-10,Inv 1,")
    run(rows, finance_user)
    # the same file again: unchanged
    _job, stored, result = run(rows, finance_user)
    assert stored.rows[0].outcome == RowOutcome.UNCHANGED and result["created"] == 0
    expense = Expense.objects.get()
    # by the export's ID
    _job, stored = plan(
        csv(
            f"{expense.pk},SPRING-27,{number},Yandex,100.00,10.02.2027,Inv 1,",
            header=HEADER.replace("external_ref", "ID"),
        ),
        finance_user,
    )
    assert stored.rows[0].outcome == RowOutcome.UNCHANGED
    # the same invoice reference under another key is another expense
    _job, stored = plan(csv(f"INV-9,SPRING-27,{number},Other vendor,100.00,2027-02-10,Inv 1,"), finance_user)
    assert stored.rows[0].outcome == RowOutcome.NEW
    # a recorded one is not rewritten
    _job, stored = plan(csv(f"INV-1,SPRING-27,{number},Yandex,999.00,2027-02-10,Inv 1,"), finance_user)
    assert stored.rows[0].errors == [
        "external_ref: INV-1 is recorded with another amount: an import does not change recorded money "
        "(record a correction instead)"
    ]
    assert Expense.objects.count() == 1


def test_who_may_import_spend(marketer, other_team_marketer, approved_request, api_as):
    number = approved_request.number
    rows = csv(
        f"M-1,SPRING-27,{number},Yandex,100.00,2027-02-10,,",
        f"M-2,SPRING-27,{number},Yandex,-50.00,2027-02-11,,",
    )
    # a marketer of the team records spend of its campaigns, refunds stay finance's
    _job, stored = plan(rows, marketer)
    assert [row.outcome for row in stored.rows] == ["new", "error"]
    assert stored.rows[1].errors == ["amount: Refunds and corrections (negative amounts) are recorded by finance."]
    # a marketer of another team: refused per row with the service's message
    _job, stored = plan(rows, other_team_marketer)
    assert stored.rows[0].errors[0] == (
        "funding_request: Finance records money for any campaign; marketers only for their own teams' campaigns."
    )


def test_the_russian_excel_dialect(finance_user, marketer, campaign, category, q1):
    requests = (DATA / "old_funding_requests_cp1251.csv").read_bytes()
    job, _plan = import_file(kind="funding_requests", file_name="r.csv", content=requests, by=finance_user)
    confirm_import(batch=job, by=finance_user)
    # when the invoices of that sheet come in
    job, stored = plan((DATA / "old_expenses_cp1251.csv").read_bytes(), finance_user)
    assert [row.outcome for row in stored.rows] == ["new", "error", "error", "new"]
    assert "₽50,000.00 is left to spend" in stored.rows[1].errors[0] and stored.rows[1].errors[0].startswith("Сумма: ")
    assert stored.rows[2].errors[0].startswith("Заявка на финансирование: ")
    confirm_import(batch=job, by=finance_user)
    assert sorted(Expense.objects.values_list("external_ref", "amount", "vendor")) == [
        ("СЧ-1", Decimal("100000.00"), "ООО «Яндекс»"),
        ("СЧ-4", Decimal("50000.00"), "ООО «Медиа»"),
    ]


def test_unknown_requests_and_campaigns_are_listed(finance_user, approved_request):
    job, stored = plan(csv("X-1,NOPE,FR-1999-0001,V,abc,31.02.2027,,", "X-2,,,,,,,"), finance_user)
    assert job.summary == {"campaigns": ["NOPE"], "funding_requests": ["FR-1999-0001"]}
    assert stored.rows[0].errors == [
        "funding_request: no funding request has the number or reference FR-1999-0001",
        "campaign: no campaign has the code NOPE",
        "amount: abc is not an amount with at most two decimals",
        "date: 31.02.2027 is not a date (dd.mm.yyyy or yyyy-mm-dd)",
    ]
    assert stored.rows[1].errors == [
        "funding_request: a value is needed here",
        "vendor: a value is needed here",
        "amount: a value is needed here",
        "date: a value is needed here",
    ]


def test_commitments_import_the_same_way(finance_user, approved_request):
    number = approved_request.number
    _job, stored, result = run(
        csv(
            f"PO-1,SPRING-27,{number},Agency,90000.00,2027-02-01,PO 1,",
            f"PO-2,SPRING-27,{number},Agency,20000.00,2027-02-02,PO 2,",
        ),
        finance_user,
        kind="commitments",
    )
    assert [row.outcome for row in stored.rows] == ["new", "error"]
    assert "This commitment would exceed" in stored.rows[1].errors[0]
    assert list(Commitment.objects.values_list("external_ref", flat=True)) == ["PO-1"]
    assert result["written"]["created"] == {"budgets.commitment": [Commitment.objects.get().pk]}


def test_planning_and_applying_cost_the_same_queries_for_5_or_30_rows(finance_user, approved_request):
    number = approved_request.number

    def queries(count, prefix):
        rows = csv(*[f"{prefix}-{i},SPRING-27,{number},Vendor,10.00,2027-02-10,,x" for i in range(count)])
        with CaptureQueriesContext(connection) as captured:
            run(rows, finance_user)
        return len(captured)

    queries(1, "W")  # caches warmed (roles)
    assert queries(30, "B") == queries(5, "A")


def test_undo_deletes_the_imported_records_unless_changed_since(finance_user, approved_request):
    number = approved_request.number
    job, _stored, _result = run(csv(f"U-1,SPRING-27,{number},Yandex,100.00,2027-02-10,,"), finance_user)
    importer = get_importer("expenses")
    expense = Expense.objects.get()
    # a change after the import stops the undo
    expense.note = "checked"
    expense._history_user = finance_user
    expense.save()
    assert importer.undo_objections(job) == ["Some of the imported records were changed after the import."]
    expense.history.filter(history_type="~").delete()
    assert importer.undo_objections(job) == []
    assert importer.undo(job=job, by=finance_user) == {"deleted": 1}
    assert not Expense.objects.exists()
    assert Expense.history.filter(history_type="-").get().history_user == finance_user
