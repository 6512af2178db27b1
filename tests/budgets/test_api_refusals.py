"""Filters the budgets API refuses instead of reading or ignoring (issue 15.6)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/expenses/", "/api/v1/commitments/"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["12/31/2026", "２０２６-01-01", "2026-02-30"])
def test_a_spend_date_filter_not_written_yyyy_mm_dd_is_a_400(api_as, finance_user, url, name, value):
    response = api_as(finance_user).get(url, {name: value})
    assert response.status_code == 400
    assert response.json() == {name: ["Enter a valid date as YYYY-MM-DD, such as 2026-11-01."]}


def test_a_fiscal_period_date_filter_reads_yyyy_mm_dd_only(api_as, finance_user, q1):
    api = api_as(finance_user)
    assert api.get("/api/v1/fiscal-periods/", {"contains_date": "02/01/2027"}).status_code == 400
    found = api.get("/api/v1/fiscal-periods/", {"contains_date": q1.start_date.isoformat()})
    assert q1.pk in [row["id"] for row in found.json()["results"]]


@pytest.mark.parametrize("url", ["/api/v1/funding-requests/", "/api/v1/budget-allocations/"])
@pytest.mark.parametrize("value", ["abc", "１", "1e3", "99999999999999999999"])
def test_a_category_that_is_no_id_is_a_400(api_as, finance_user, url, value):
    response = api_as(finance_user).get(url, {"category": value})
    assert response.status_code == 400
    assert "category" in response.json()


def test_an_unknown_ordering_field_is_a_400(api_as, finance_user):
    response = api_as(finance_user).get("/api/v1/expenses/", {"ordering": "-amount,vendor"})
    assert response.status_code == 400
    assert "'vendor'" in response.json()["ordering"][0]
    assert api_as(finance_user).get("/api/v1/expenses/", {"ordering": "-amount,date"}).status_code == 200


def test_format_makes_a_file_of_the_expense_list_only(api_as, finance_user):
    api = api_as(finance_user)
    # an unknown format on a detail is a 400 naming the formats (it was a 404 from content negotiation)
    refused = api.get("/api/v1/expenses/999/", {"format": "docx"})
    assert refused.status_code == 400 and "format" in refused.json()
    # a method the list does not answer is a 405, whatever ?format= says (it was a 404)
    assert api.delete("/api/v1/expenses/?format=0").status_code == 405
    assert api.get("/api/v1/expenses/", {"format": "csv"})["Content-Type"].startswith("text/csv")
