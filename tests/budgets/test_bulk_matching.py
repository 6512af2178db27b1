"""Accounting lines are matched in bulk, with the outcome the line-by-line matcher had (issue 15.5).

The matcher used to look up, lock and map each line on its own (several
queries per line: 100 000 lines took about 20 minutes on PostgreSQL). It now
resolves the numbers of thousands of lines at a time; these tests hold it to
the old matcher's results on a mix of lines, at import and when a waiting
request is approved, and to a number of queries that does not grow with the
lines.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from approvals.choices import Outcome
from approvals.models import ApprovalRequest
from approvals.services import approval_decide
from budgets import services
from budgets.choices import ActualLineStatus, ImportKind
from budgets.matching import register_line_matcher, unregister_line_matcher
from budgets.models import ActualLine, Expense, FundingRequest
from imports import services as import_services
from tests.conftest import uses_postgresql
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

HEADER = "Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий"


def export(lines: list[tuple[str, str, str]], prefix: str = "0000") -> bytes:
    """The sample's format; each line is (date dd.mm.yyyy, amount with a decimal comma, comment)."""
    out = [HEADER]
    for n, (date, amount, comment) in enumerate(lines, start=1):
        out.append(f'{date};{prefix}-{n:06d};ООО "Поставщик {n}";{amount};44.01.1;Контекстная реклама;{comment}')
    return ("\r\n".join(out) + "\r\n").encode("cp1251")


def per_line_matcher(line) -> bool:
    """The matcher as it was before bulk matching (a line, its own queries), kept here as the reference."""
    if line.status != ActualLineStatus.UNMAPPED or not line.request_number:
        return False
    request = FundingRequest.objects.filter(number__iexact=line.request_number).first()
    reason = ""
    if request is None:
        reason = _("No funding request %(number)s exists.") % {"number": line.request_number}
    else:
        try:
            with transaction.atomic():
                by = line.batch.uploaded_by
                services.expense_create(
                    funding_request=request,
                    by=by,
                    vendor=line.vendor or line.document_number or _("Accounting line %(number)s") % {"number": line.pk},
                    amount=line.amount,
                    date=line.date,
                    reference=line.document_number,
                    note=(line.comment or "")[:255],
                    actual_line=line,
                    system=True,
                )
                line.status = ActualLineStatus.MAPPED
                line.status_note = ""
                line._history_user = by
                line.save(update_fields=["status", "status_note"])
            return True
        except services.ValidationError as exc:
            reason = " ".join(exc.messages)
    line.status_note = reason[:255]
    ActualLine.objects.filter(pk=line.pk).update(status_note=line.status_note)
    latest = line.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        type(latest).objects.filter(pk=latest.pk).update(status_note=line.status_note)
    return False


def per_line(lines):
    """The reference in the seam's shape: each line offered on its own, in order."""
    return [line.pk for line in lines if per_line_matcher(line)]


def outcome() -> dict:
    """Everything matching writes, keyed by what both runs share (document numbers, request numbers)."""
    lines = {
        line.document_number: (line.status, line.status_note) for line in ActualLine.objects.order_by("document_number")
    }
    expenses = sorted(
        (
            e.actual_line.document_number,
            e.funding_request.number,
            e.campaign_id,
            e.vendor,
            e.amount,
            e.date,
            e.reference,
            e.note,
            e.recorded_by_id,
        )
        for e in Expense.objects.select_related("actual_line", "funding_request")
    )
    line_history = {}
    for row in ActualLine.history.order_by("history_date", "history_id"):
        line_history.setdefault(row.document_number, []).append(
            (row.history_type, row.status, row.status_note, row.history_user_id)
        )
    expense_history = sorted(
        (row.reference, row.history_type, row.history_user_id, row.amount, row.recorded_by_id)
        for row in Expense.history.all()
    )
    return {"lines": lines, "expenses": expenses, "line_history": line_history, "expense_history": expense_history}


def run(scenario, matcher) -> dict:
    """``scenario()`` with ``matcher`` as the only line matcher; what it wrote, then rolled back."""
    unregister_line_matcher(services.match_lines_by_request_number)
    register_line_matcher(matcher)
    try:
        with transaction.atomic():
            scenario()
            result = outcome()
            transaction.set_rollback(True)
    finally:
        unregister_line_matcher(matcher)
        register_line_matcher(services.match_lines_by_request_number)
    return result


@pytest.fixture
def reject(funding_workflow, finance_user, marketer):
    def run(request):
        services.funding_request_submit(funding_request=request, by=marketer)
        approval = ApprovalRequest.objects.for_subject(request).open().get()
        approval_decide(request=approval, by=finance_user, outcome=Outcome.REJECT, note="no")
        request.refresh_from_db()
        return request

    return run


@pytest.fixture
def requests_in_every_state(make_request, approve, reject, marketer, funding_workflow):
    """FR-2027-0001 approved 150 000 in full; -0002 approved 40 000 of 50 000; -0003 submitted; -0004 a draft;
    -0005 rejected. -0099 does not exist."""
    full = approve(make_request("150000.00"))
    partial = approve(make_request("50000.00"), approved_amount="40000.00")
    waiting = make_request("30000.00")
    services.funding_request_submit(funding_request=waiting, by=marketer)
    draft = make_request("10000.00")
    rejected = reject(make_request("20000.00"))
    numbers = [r.number for r in (full, partial, waiting, draft, rejected)]
    assert numbers == [f"FR-2027-000{n}" for n in range(1, 6)]
    return {"full": full, "partial": partial, "waiting": waiting, "draft": draft, "rejected": rejected}


MIX = [
    ("03.02.2027", "100 000,00", "Оплата по заявке FR-2027-0001"),  # maps (100 000 of 150 000)
    ("04.02.2027", "100 000,00", "заявка FR-2027-0001"),  # over the limit: 50 000 left
    ("05.02.2027", "-50 000,00", "Возврат, заявка fr-2027-0001"),  # a refund maps, lower-case number
    ("06.02.2027", "100 000,00", "FR-2027-0001 повторно"),  # maps now (exactly the limit)
    ("07.02.2027", "0,01", "FR-2027-0001"),  # one kopeck over
    ("08.02.2027", "0,00", "FR-2027-0001 нулевая сумма"),  # zero is refused
    ("09.02.2027", "35 000,00", "FR-2027-0002"),  # partially approved: maps
    ("10.02.2027", "6 000,00", "FR-2027-0002"),  # over the approved 40 000
    ("11.02.2027", "12 000,00", "FR-2027-0003"),  # submitted: waits
    ("12.02.2027", "25 000,00", "FR-2027-0003"),  # waits too (over once approved for 30 000)
    ("12.02.2027", "-1 000,00", "FR-2027-0003 возврат"),  # a waiting refund
    ("13.02.2027", "1 000,00", "FR-2027-0004"),  # a draft
    ("14.02.2027", "1 000,00", "FR-2027-0005"),  # rejected
    ("15.02.2027", "1 000,00", "FR-2027-0099"),  # unknown
    ("16.02.2027", "1 000,00", "без заявки"),  # no number: not offered
    ("17.02.2027", "abc", "FR-2027-0001"),  # broken: never a line
    ("18.12.2027", "5 000,00", "FR-2027-0001, декабрь"),  # outside the campaign's and the period's dates
]


def test_bulk_matching_gives_the_per_line_outcome_at_import_and_once_a_request_is_approved(
    requests_in_every_state, approve, accounting_source, finance_user
):
    content = export(MIX)

    def scenario():
        job, _plan = import_file(
            kind=ImportKind.ACTUALS, file_name="mix.csv", content=content, source=accounting_source, by=finance_user
        )
        confirm_import(batch=job, by=finance_user)
        # the waiting request is approved for 30 000: its lines are offered again (by date)
        approval = ApprovalRequest.objects.for_subject(requests_in_every_state["waiting"]).open().get()
        approval_decide(request=approval, by=finance_user, outcome=Outcome.APPROVE, note="ok")

    # when the same import and decision run with the bulk matcher and with the per-line one
    bulk = run(scenario, services.match_lines_by_request_number)
    reference = run(scenario, per_line)
    # then everything written is the same: lines, reasons, expenses, and the history of both
    assert bulk == reference
    # and it is the outcome the rules ask for
    lines = bulk["lines"]
    mapped = sorted(number for number, (status, _note) in lines.items() if status == ActualLineStatus.MAPPED)
    assert mapped == [f"0000-{n:06d}" for n in (1, 3, 4, 7, 9, 11)]
    assert "50,000.00 is left to spend" in lines["0000-000002"][1]
    assert "0.00 is left to spend" in lines["0000-000005"][1]
    assert lines["0000-000006"][1] == "The amount must not be zero."
    assert "5,000.00 is left to spend" in lines["0000-000008"][1]
    assert "draft" in lines["0000-000012"][1]
    assert "rejected" in lines["0000-000013"][1]
    assert lines["0000-000014"][1] == "No funding request FR-2027-0099 exists."
    assert lines["0000-000015"] == (ActualLineStatus.UNMAPPED, "")
    assert "0000-000016" not in lines
    assert "0.00 is left to spend" in lines["0000-000017"][1]  # the December line: FR-2027-0001 is spent
    # the approved 30 000: 12 000 maps, 25 000 would pass the limit, the refund maps
    assert lines["0000-000009"] == (ActualLineStatus.MAPPED, "")
    assert "18,000.00 is left to spend" in lines["0000-000010"][1]
    assert lines["0000-000011"] == (ActualLineStatus.MAPPED, "")
    # a mapped line's history: created by the importer, mapped in the uploader's name; a refused one has no
    # second row, its creation row carries the reason
    assert [row[:3] for row in bulk["line_history"]["0000-000001"]] == [
        ("+", ActualLineStatus.UNMAPPED, ""),
        ("~", ActualLineStatus.MAPPED, ""),
    ]
    assert {row[3] for row in bulk["line_history"]["0000-000001"]} == {finance_user.pk}
    assert bulk["line_history"]["0000-000014"] == [
        ("+", ActualLineStatus.UNMAPPED, "No funding request FR-2027-0099 exists.", finance_user.pk)
    ]
    assert all(row[1:3] == ("+", finance_user.pk) for row in bulk["expense_history"])


def test_the_december_line_is_matched_whatever_its_date(requests_in_every_state, accounting_source, finance_user):
    """Matching checks the request's state and money, not the line's period: spend is booked when it is paid."""
    job, _plan = import_file(
        kind=ImportKind.ACTUALS,
        file_name="dec.csv",
        content=export(MIX[-1:]),
        source=accounting_source,
        by=finance_user,
    )
    result = confirm_import(batch=job, by=finance_user)
    assert result["mapped"] == 1


def test_one_line_through_the_matcher_is_the_bulk_path(requests_in_every_state, accounting_source, finance_user):
    # given lines imported while no matcher ran
    unregister_line_matcher(services.match_lines_by_request_number)
    try:
        job, _plan = import_file(
            kind=ImportKind.ACTUALS,
            file_name="mix.csv",
            content=export(MIX[:2]),
            source=accounting_source,
            by=finance_user,
        )
        confirm_import(batch=job, by=finance_user)
    finally:
        register_line_matcher(services.match_lines_by_request_number)
    first, second = ActualLine.objects.order_by("line_number")
    # when each is matched on its own
    assert services.match_line_by_request_number(first) is True
    assert services.match_line_by_request_number(second) is False
    # then
    second.refresh_from_db()
    assert "50,000.00 is left to spend" in second.status_note
    assert second.history.latest().status_note == second.status_note
    assert services.match_line_by_request_number(first) is False  # mapped already: nothing happens twice
    assert Expense.objects.count() == 1


def apply_queries(lines: int, source, by) -> list[str]:
    """The statements of applying an import of ``lines`` lines quoting requests in every state."""
    cycle = [
        ("03.02.2027", "1,00", "FR-2027-0001"),
        ("04.02.2027", "2,00", "FR-2027-0002"),
        ("05.02.2027", "3,00", "FR-2027-0003"),
        ("06.02.2027", "4,00", "FR-2027-0099"),
        ("07.02.2027", "100 000,00", "FR-2027-0001"),
        ("08.02.2027", "5,00", "без заявки"),
    ]
    rows = [cycle[n % len(cycle)] for n in range(lines)]
    job, _plan = import_file(
        kind=ImportKind.ACTUALS, file_name=f"{lines}.csv", content=export(rows, prefix=str(lines)), source=source, by=by
    )
    import_services.import_job_confirm(job=job, by=by)
    with CaptureQueriesContext(connection) as queries:
        import_services.import_job_apply(job.pk)
    assert ActualLine.objects.filter(batch__summary__job=job.pk).count() == lines
    assert Expense.objects.filter(actual_line__batch__summary__job=job.pk).count() > lines // 6
    assert ActualLine.objects.filter(batch__summary__job=job.pk).exclude(status_note="").count() > lines // 3
    return [query["sql"] for query in queries.captured_queries]


def test_applying_an_import_costs_the_same_queries_for_50_and_500_lines(
    requests_in_every_state, accounting_source, finance_user
):
    few = apply_queries(50, accounting_source, finance_user)
    many = apply_queries(500, accounting_source, finance_user)
    if uses_postgresql():
        assert len(many) == len(few), "\n".join(many)
    # SQLite takes at most 999 parameters a statement, so Django splits big inserts; nothing else may grow
    others = [sql for sql in many if not sql.startswith("INSERT")]
    assert len(others) == len([sql for sql in few if not sql.startswith("INSERT")]), "\n".join(others)
    assert len(many) < 60
