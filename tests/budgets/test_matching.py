"""Accounting lines meet funding requests (PRODUCT.md §4): the sample 1C export, and mapping by hand."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import selectors, services
from budgets.choices import ActualLineStatus, ImportKind
from budgets.models import ActualLine, Expense
from mrm.exceptions import StateConflict
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db


def import_sample(source, content, user):
    batch, _plan = import_file(kind=ImportKind.ACTUALS, file_name="export.csv", content=content, source=source, by=user)
    return confirm_import(batch=batch, by=user)


@pytest.fixture
def sample_requests(make_request, approve):
    """FR-2027-0001 (200 000 approved) and FR-2027-0002 (50 000 approved), as the sample quotes them."""
    first = approve(make_request("200000.00"))
    second = approve(make_request("50000.00"))
    assert (first.number, second.number) == ("FR-2027-0001", "FR-2027-0002")
    return first, second


def test_the_sample_export_maps_two_lines_and_the_refund(
    sample_requests, accounting_source, accounting_csv, finance_user
):
    first, second = sample_requests
    # when
    result = import_sample(accounting_source, accounting_csv, finance_user)
    # then: lines 2, 3 and 5 (the refund) became expenses; 4 ("без заявки") waits; 6 is broken
    assert result["mapped"] == 3
    assert [e["line"] for e in result["errors"]] == [6]
    assert Expense.objects.filter(funding_request=first).total() == Decimal("138000.00")  # 150 000 − 12 000
    assert Expense.objects.filter(funding_request=second).total() == Decimal("48500.00")
    queued = ActualLine.objects.get(status=ActualLineStatus.UNMAPPED)
    assert queued.amount == Decimal("1200000.00")
    assert "без заявки" in queued.comment
    without = selectors.spend_without_request(user=finance_user)
    assert (without["total"], without["count"]) == (Decimal("1200000.00"), 1)
    mapped = ActualLine.objects.filter(status=ActualLineStatus.MAPPED).order_by("line_number")
    assert [line.expense.funding_request.number for line in mapped] == ["FR-2027-0001", "FR-2027-0002", "FR-2027-0001"]


def test_a_line_that_would_break_spend_control_stays_queued_with_the_reason(
    make_request, approve, accounting_source, accounting_csv, finance_user
):
    # given: FR-2027-0002 approved for only 40 000, the export spends 48 500 on it
    approve(make_request("200000.00"))
    approve(make_request("50000.00"), approved_amount="40000.00")
    # when
    import_sample(accounting_source, accounting_csv, finance_user)
    # then
    line = ActualLine.objects.get(request_number="FR-2027-0002")
    assert line.status == ActualLineStatus.UNMAPPED
    assert "40,000.00 is left to spend" in line.status_note
    assert not Expense.objects.filter(funding_request__number="FR-2027-0002").exists()


def test_lines_of_unknown_or_unapproved_requests_stay_queued(
    make_request, accounting_source, accounting_csv, finance_user
):
    # given: FR-2027-0001 exists as a draft, FR-2027-0002 not at all
    make_request("200000.00")
    # when
    result = import_sample(accounting_source, accounting_csv, finance_user)
    # then
    assert result["mapped"] == 0
    notes = dict(ActualLine.objects.values_list("line_number", "status_note"))
    assert "draft" in notes[2]
    assert notes[4] == ""


def test_lines_waiting_for_their_request_become_its_expenses_once_it_is_approved(
    make_request, approve, accounting_source, accounting_csv, finance_user
):
    # given: the invoice of FR-2027-0001 reached accounting before finance decided
    first = make_request("200000.00")
    import_sample(accounting_source, accounting_csv, finance_user)
    assert ActualLine.objects.filter(request_number="FR-2027-0001", status=ActualLineStatus.UNMAPPED).count() == 2
    # when finance approves it
    approve(first)
    # then its payment and its refund are its expenses now; the other lines still wait
    assert Expense.objects.filter(funding_request=first).total() == Decimal("138000.00")
    assert set(ActualLine.objects.filter(request_number="FR-2027-0001").values_list("status", "status_note")) == {
        (ActualLineStatus.MAPPED, "")
    }
    assert ActualLine.objects.filter(status=ActualLineStatus.UNMAPPED).count() == 2
    without = selectors.spend_without_request(user=finance_user)
    assert without["total"] == Decimal("1248500.00")  # 1 200 000 without a request + 48 500 of an unknown FR-2027-0002


def test_a_waiting_line_over_the_approved_amount_stays_queued_with_the_reason(
    make_request, approve, accounting_source, accounting_csv, finance_user
):
    # given: FR-2027-0001's 150 000 payment waits, then finance approves only 100 000
    first = make_request("200000.00")
    import_sample(accounting_source, accounting_csv, finance_user)
    # when
    approve(first, approved_amount="100000.00")
    # then the refund maps (it only lowers the sum), the payment waits with what is left
    payment = ActualLine.objects.get(request_number="FR-2027-0001", amount=Decimal("150000.00"))
    assert payment.status == ActualLineStatus.UNMAPPED
    assert "is left to spend" in payment.status_note
    assert Expense.objects.filter(funding_request=first).total() == Decimal("-12000.00")


def test_finance_maps_a_queued_line_by_hand_under_the_same_rule(
    sample_requests, accounting_source, accounting_csv, finance_user
):
    first, second = sample_requests
    import_sample(accounting_source, accounting_csv, finance_user)
    queued = ActualLine.objects.get(status=ActualLineStatus.UNMAPPED)
    # when: 1 200 000 on a request with 1 500 left
    with pytest.raises(ValidationError) as refused:
        services.actual_line_map(line=queued, funding_request=second, by=finance_user)
    # then
    assert "1,500.00 is left to spend" in refused.value.message_dict["amount"][0]
    queued.refresh_from_db()
    assert queued.status == ActualLineStatus.UNMAPPED


def test_a_line_is_mapped_once(sample_requests, accounting_source, accounting_csv, finance_user):
    import_sample(accounting_source, accounting_csv, finance_user)
    mapped = ActualLine.objects.filter(status=ActualLineStatus.MAPPED).first()
    with pytest.raises(StateConflict):
        services.actual_line_map(line=mapped, funding_request=sample_requests[0], by=finance_user)


def test_mapping_by_hand_is_finance_work(sample_requests, accounting_source, accounting_csv, finance_user, marketer):
    from django.core.exceptions import PermissionDenied

    import_sample(accounting_source, accounting_csv, finance_user)
    queued = ActualLine.objects.get(status=ActualLineStatus.UNMAPPED)
    with pytest.raises(PermissionDenied):
        services.actual_line_map(line=queued, funding_request=sample_requests[0], by=marketer)


def test_finance_maps_a_line_on_its_page(
    make_request, approve, accounting_source, accounting_csv, finance_user, client
):
    # given: a big approved request to absorb the expo line
    import_sample(accounting_source, accounting_csv, finance_user)
    big = approve(make_request("1500000.00"))
    queued = ActualLine.objects.get(request_number="", status=ActualLineStatus.UNMAPPED)
    client.force_login(finance_user)
    # when
    response = client.post(f"/budgets/actuals/{queued.pk}/map/", {"funding_request": big.pk})
    # then
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == ActualLineStatus.MAPPED
    assert queued.expense.funding_request == big
